-- AlterTable
ALTER TABLE "Recording" ADD COLUMN "reasonDetail" TEXT;

-- AlterTable
ALTER TABLE "RecordingTransition" ADD COLUMN "reasonDetail" TEXT;
