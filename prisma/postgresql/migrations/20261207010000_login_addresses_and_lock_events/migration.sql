-- CreateTable
CREATE TABLE "KnownLoginAddress" (
    "userId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSignedInAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnownLoginAddress_pkey" PRIMARY KEY ("userId","address")
);

-- CreateTable
CREATE TABLE "LoginLockEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scope" TEXT NOT NULL,
    "email" TEXT,
    "address" TEXT,
    "failures" INTEGER NOT NULL,
    "lockedUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoginLockEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KnownLoginAddress_lastSignedInAt_idx" ON "KnownLoginAddress"("lastSignedInAt");

-- CreateIndex
CREATE INDEX "LoginLockEvent_at_idx" ON "LoginLockEvent"("at");

-- AddForeignKey
ALTER TABLE "KnownLoginAddress" ADD CONSTRAINT "KnownLoginAddress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

