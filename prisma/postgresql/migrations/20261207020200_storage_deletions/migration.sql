-- CreateTable
CREATE TABLE "StorageDeletion" (
    "id" SERIAL NOT NULL,
    "recordingId" TEXT NOT NULL,
    "recordingUrl" TEXT,
    "storageKey" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StorageDeletion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StorageDeletion_recordingId_key" ON "StorageDeletion"("recordingId");

-- CreateIndex
CREATE INDEX "StorageDeletion_nextAttemptAt_idx" ON "StorageDeletion"("nextAttemptAt");

