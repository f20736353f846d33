-- AlterTable
ALTER TABLE "Recording" ADD COLUMN "deletedAt" DATETIME;
ALTER TABLE "Recording" ADD COLUMN "deletedBy" TEXT;
ALTER TABLE "Recording" ADD COLUMN "storageKey" TEXT;

