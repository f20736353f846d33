-- AlterTable: each recording gets its number in its session, the existing ones in the order they were made.
ALTER TABLE "Recording" ADD COLUMN     "number" INTEGER;
UPDATE "Recording" SET "number" = "numbered"."n"
FROM (
  SELECT "id", ROW_NUMBER() OVER (PARTITION BY "liveSessionId" ORDER BY "startedAt", "id") AS "n" FROM "Recording"
) AS "numbered"
WHERE "Recording"."id" = "numbered"."id";
ALTER TABLE "Recording" ALTER COLUMN "number" SET NOT NULL;

-- AlterTable: the log names the recording by its number too.
ALTER TABLE "RecordingTransition" ADD COLUMN     "recordingNumber" INTEGER;
UPDATE "RecordingTransition" SET "recordingNumber" = "Recording"."number"
FROM "Recording" WHERE "Recording"."id" = "RecordingTransition"."recordingId";

-- CreateIndex
CREATE UNIQUE INDEX "Recording_liveSessionId_number_key" ON "Recording"("liveSessionId", "number");
