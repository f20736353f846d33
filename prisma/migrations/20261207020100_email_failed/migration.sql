-- AlterTable
ALTER TABLE "EmailOutbox" ADD COLUMN "failedAt" DATETIME;

