-- AlterTable
ALTER TABLE "EmailOutbox" ADD COLUMN     "failedAt" TIMESTAMP(3);

