-- AlterTable
ALTER TABLE "EmailOutbox" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'NOTIFICATION',
ADD COLUMN     "linkExpiresAt" TIMESTAMP(3),
ADD COLUMN     "passwordFingerprint" TEXT,
ADD COLUMN     "recipientEmail" TEXT,
ADD COLUMN     "userId" TEXT,
ALTER COLUMN "notificationId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "EmailOutbox_userId_idx" ON "EmailOutbox"("userId");

-- AddForeignKey
ALTER TABLE "EmailOutbox" ADD CONSTRAINT "EmailOutbox_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

