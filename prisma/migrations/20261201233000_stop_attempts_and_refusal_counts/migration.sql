-- AlterTable
ALTER TABLE "Recording" ADD COLUMN "stopRequestedAt" DATETIME;
ALTER TABLE "Recording" ADD COLUMN "stopAcknowledgedAt" DATETIME;
ALTER TABLE "Recording" ADD COLUMN "stopConfirmed" BOOLEAN;
ALTER TABLE "Recording" ADD COLUMN "stopAttempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Recording" ADD COLUMN "nextStopAttemptAt" DATETIME;

-- AlterTable
ALTER TABLE "RecordingTransition" ADD COLUMN "stopConfirmed" BOOLEAN;

-- CreateTable
CREATE TABLE "WebhookRefusalCount" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "outcome" TEXT NOT NULL,
    "minute" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "sampleReason" TEXT,
    "sampleEvent" TEXT,
    "sampleSessionId" TEXT
);

-- CreateIndex
CREATE INDEX "Recording_nextStopAttemptAt_idx" ON "Recording"("nextStopAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookRefusalCount_minute_idx" ON "WebhookRefusalCount"("minute");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookRefusalCount_outcome_minute_key" ON "WebhookRefusalCount"("outcome", "minute");
