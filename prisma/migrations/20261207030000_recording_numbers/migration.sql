-- AlterTable: the log names the recording by its number too (filled in below).
ALTER TABLE "RecordingTransition" ADD COLUMN "recordingNumber" INTEGER;

-- RedefineTables: each recording gets its number in its session, the existing ones in the order they were made.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Recording" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "liveSessionId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "recordingUrl" TEXT,
    "reason" TEXT,
    "reasonDetail" TEXT,
    "failureCause" TEXT,
    "durationSeconds" INTEGER,
    "sizeBytes" BIGINT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "statusChangedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "storageKey" TEXT,
    "deletedAt" DATETIME,
    "deletedBy" TEXT,
    "stopRequestedAt" DATETIME,
    "stopAcknowledgedAt" DATETIME,
    "stopConfirmed" BOOLEAN,
    "stopAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextStopAttemptAt" DATETIME,
    CONSTRAINT "Recording_liveSessionId_fkey" FOREIGN KEY ("liveSessionId") REFERENCES "LiveSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Recording" ("deletedAt", "deletedBy", "durationSeconds", "endedAt", "failureCause", "id", "liveSessionId", "number", "nextStopAttemptAt", "reason", "reasonDetail", "recordingUrl", "sizeBytes", "startedAt", "status", "statusChangedAt", "stopAcknowledgedAt", "stopAttempts", "stopConfirmed", "stopRequestedAt", "storageKey") SELECT "deletedAt", "deletedBy", "durationSeconds", "endedAt", "failureCause", "id", "liveSessionId", ROW_NUMBER() OVER (PARTITION BY "liveSessionId" ORDER BY "startedAt", "id"), "nextStopAttemptAt", "reason", "reasonDetail", "recordingUrl", "sizeBytes", "startedAt", "status", "statusChangedAt", "stopAcknowledgedAt", "stopAttempts", "stopConfirmed", "stopRequestedAt", "storageKey" FROM "Recording";
DROP TABLE "Recording";
ALTER TABLE "new_Recording" RENAME TO "Recording";
CREATE INDEX "Recording_liveSessionId_startedAt_idx" ON "Recording"("liveSessionId", "startedAt");
CREATE INDEX "Recording_status_statusChangedAt_idx" ON "Recording"("status", "statusChangedAt");
CREATE INDEX "Recording_nextStopAttemptAt_idx" ON "Recording"("nextStopAttemptAt");
CREATE UNIQUE INDEX "Recording_liveSessionId_number_key" ON "Recording"("liveSessionId", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

UPDATE "RecordingTransition" SET "recordingNumber" = (
  SELECT "number" FROM "Recording" WHERE "Recording"."id" = "RecordingTransition"."recordingId"
);
