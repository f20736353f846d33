-- CreateTable
CREATE TABLE "StorageDeletion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordingId" TEXT NOT NULL,
    "recordingUrl" TEXT,
    "storageKey" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "StorageDeletion_recordingId_key" ON "StorageDeletion"("recordingId");

-- CreateIndex
CREATE INDEX "StorageDeletion_nextAttemptAt_idx" ON "StorageDeletion"("nextAttemptAt");

