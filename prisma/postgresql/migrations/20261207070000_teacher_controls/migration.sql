-- AlterTable
ALTER TABLE "Cohort" ADD COLUMN     "downloadable" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "publishMode" TEXT NOT NULL DEFAULT 'on_ready';

-- AlterTable
ALTER TABLE "Recording" ADD COLUMN     "downloadable" BOOLEAN,
ADD COLUMN     "publishedAt" TIMESTAMP(3),
ADD COLUMN     "purgedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RecordingTransition" ADD COLUMN     "forStudents" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "ShareLink" (
    "id" TEXT NOT NULL,
    "recordingId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "uses" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ShareLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecordingView" (
    "id" SERIAL NOT NULL,
    "recordingId" TEXT NOT NULL,
    "viewerKey" TEXT NOT NULL,
    "userId" TEXT,
    "shareLinkId" TEXT,
    "furthestSeconds" INTEGER NOT NULL DEFAULT 0,
    "watchedSeconds" INTEGER NOT NULL DEFAULT 0,
    "lastPlaying" BOOLEAN NOT NULL DEFAULT false,
    "firstAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecordingView_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ShareLink_tokenHash_key" ON "ShareLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ShareLink_recordingId_idx" ON "ShareLink"("recordingId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingView_recordingId_viewerKey_key" ON "RecordingView"("recordingId", "viewerKey");

-- CreateIndex
CREATE INDEX "Recording_deletedAt_idx" ON "Recording"("deletedAt");

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingView" ADD CONSTRAINT "RecordingView_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingView" ADD CONSTRAINT "RecordingView_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingView" ADD CONSTRAINT "RecordingView_shareLinkId_fkey" FOREIGN KEY ("shareLinkId") REFERENCES "ShareLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Recordings READY before publishing existed were published when they became READY.
UPDATE "Recording" SET "publishedAt" = "statusChangedAt" WHERE "status" = 'READY';
-- Recordings deleted before the trash existed already had their objects removed: they are purged.
UPDATE "Recording" SET "purgedAt" = "deletedAt" WHERE "deletedAt" IS NOT NULL;
