-- AlterTable
ALTER TABLE "Recording" ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "deletedBy" TEXT,
ADD COLUMN     "storageKey" TEXT;

