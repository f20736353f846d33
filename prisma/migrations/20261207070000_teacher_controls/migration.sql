-- AlterTable
ALTER TABLE "Recording" ADD COLUMN "downloadable" BOOLEAN;
ALTER TABLE "Recording" ADD COLUMN "publishedAt" DATETIME;
ALTER TABLE "Recording" ADD COLUMN "purgedAt" DATETIME;

-- CreateTable
CREATE TABLE "ShareLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recordingId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" DATETIME,
    CONSTRAINT "ShareLink_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RecordingView" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordingId" TEXT NOT NULL,
    "viewerKey" TEXT NOT NULL,
    "userId" TEXT,
    "shareLinkId" TEXT,
    "furthestSeconds" INTEGER NOT NULL DEFAULT 0,
    "watchedSeconds" INTEGER NOT NULL DEFAULT 0,
    "lastPlaying" BOOLEAN NOT NULL DEFAULT false,
    "firstAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecordingView_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RecordingView_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RecordingView_shareLinkId_fkey" FOREIGN KEY ("shareLinkId") REFERENCES "ShareLink" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable: plain added columns with constant defaults (no table rebuild: the log keeps its ids and sequence).
ALTER TABLE "Cohort" ADD COLUMN "publishMode" TEXT NOT NULL DEFAULT 'on_ready';
ALTER TABLE "Cohort" ADD COLUMN "downloadable" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "RecordingTransition" ADD COLUMN "forStudents" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE UNIQUE INDEX "ShareLink_tokenHash_key" ON "ShareLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ShareLink_recordingId_idx" ON "ShareLink"("recordingId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingView_recordingId_viewerKey_key" ON "RecordingView"("recordingId", "viewerKey");

-- CreateIndex
CREATE INDEX "Recording_deletedAt_idx" ON "Recording"("deletedAt");


-- Recordings READY before publishing existed were published when they became READY.
UPDATE "Recording" SET "publishedAt" = "statusChangedAt" WHERE "status" = 'READY';
-- Recordings deleted before the trash existed already had their objects removed: they are purged.
UPDATE "Recording" SET "purgedAt" = "deletedAt" WHERE "deletedAt" IS NOT NULL;
