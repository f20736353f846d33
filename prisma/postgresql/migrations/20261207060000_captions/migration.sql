-- CreateTable
CREATE TABLE "CaptionJob" (
    "recordingId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "CaptionJob_pkey" PRIMARY KEY ("recordingId")
);

-- CreateTable
CREATE TABLE "CaptionVersion" (
    "id" SERIAL NOT NULL,
    "recordingId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "vtt" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "editedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "storageKey" TEXT,

    CONSTRAINT "CaptionVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaptionCue" (
    "id" SERIAL NOT NULL,
    "recordingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "CaptionCue_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaptionJob_status_nextAttemptAt_idx" ON "CaptionJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "CaptionVersion_recordingId_version_key" ON "CaptionVersion"("recordingId", "version");

-- CreateIndex
CREATE INDEX "CaptionCue_recordingId_position_idx" ON "CaptionCue"("recordingId", "position");

-- AddForeignKey
ALTER TABLE "CaptionJob" ADD CONSTRAINT "CaptionJob_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaptionVersion" ADD CONSTRAINT "CaptionVersion_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaptionVersion" ADD CONSTRAINT "CaptionVersion_editedById_fkey" FOREIGN KEY ("editedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaptionCue" ADD CONSTRAINT "CaptionCue_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The words said, searchable: a generated tsvector of each cue's text with a GIN index (kept in step by PostgreSQL
-- itself on every insert, update and delete).
ALTER TABLE "CaptionCue" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED;
CREATE INDEX "CaptionCue_search_idx" ON "CaptionCue" USING GIN ("search");

-- Every recording already READY gets captions too.
INSERT INTO "CaptionJob" ("recordingId") SELECT "id" FROM "Recording" WHERE "status" = 'READY' AND "deletedAt" IS NULL;
