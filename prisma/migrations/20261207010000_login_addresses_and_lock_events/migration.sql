-- CreateTable
CREATE TABLE "KnownLoginAddress" (
    "userId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSignedInAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "address"),
    CONSTRAINT "KnownLoginAddress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoginLockEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scope" TEXT NOT NULL,
    "email" TEXT,
    "address" TEXT,
    "failures" INTEGER NOT NULL,
    "lockedUntil" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "KnownLoginAddress_lastSignedInAt_idx" ON "KnownLoginAddress"("lastSignedInAt");

-- CreateIndex
CREATE INDEX "LoginLockEvent_at_idx" ON "LoginLockEvent"("at");

