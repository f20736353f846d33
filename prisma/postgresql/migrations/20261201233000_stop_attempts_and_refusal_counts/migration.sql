-- AlterTable
ALTER TABLE "Recording" ADD COLUMN     "nextStopAttemptAt" TIMESTAMP(3),
ADD COLUMN     "stopAcknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "stopAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stopConfirmed" BOOLEAN,
ADD COLUMN     "stopRequestedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RecordingTransition" ADD COLUMN     "stopConfirmed" BOOLEAN;

-- CreateTable
CREATE TABLE "WebhookRefusalCount" (
    "id" SERIAL NOT NULL,
    "outcome" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "sampleReason" TEXT,
    "sampleEvent" TEXT,
    "sampleSessionId" TEXT,

    CONSTRAINT "WebhookRefusalCount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookRefusalCount_minute_idx" ON "WebhookRefusalCount"("minute");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookRefusalCount_outcome_minute_key" ON "WebhookRefusalCount"("outcome", "minute");

-- CreateIndex
CREATE INDEX "Recording_nextStopAttemptAt_idx" ON "Recording"("nextStopAttemptAt");

