// A recording's captions as versions: the engine's first, then every edit, each a whole WebVTT file with its source,
// who and when. The newest version's cues are also kept one row each (CaptionCue), which the full-text index follows.
import { prisma, type Tx } from "~/db/db.server";
import { checkCueText, parseVtt, writeVtt, type Cue } from "~/captions/webvtt";

export type CaptionVersionView = {
  version: number;
  source: string;
  createdAt: string;
  editedBy: string | null;
  cues: Cue[];
};

/** Writes the next version and makes its cues the searchable ones, in `tx`. */
export async function writeCaptionVersion(
  tx: Tx,
  recordingId: string,
  cues: Cue[],
  fields: { source: string; editedById?: string | null; storageKey?: string | null },
): Promise<number> {
  const newest = await tx.captionVersion.aggregate({ where: { recordingId }, _max: { version: true } });
  const version = (newest._max.version ?? 0) + 1;
  await tx.captionVersion.create({
    data: {
      recordingId,
      version,
      vtt: writeVtt(cues),
      source: fields.source,
      editedById: fields.editedById ?? null,
      storageKey: fields.storageKey ?? null,
    },
  });
  await tx.captionCue.deleteMany({ where: { recordingId } });
  if (cues.length > 0) {
    await tx.captionCue.createMany({
      data: cues.map((cue, position) => ({
        recordingId,
        position,
        startMs: cue.startMs,
        endMs: cue.endMs,
        text: cue.text,
      })),
    });
  }
  return version;
}

export async function newestCaptionVersion(recordingId: string) {
  return prisma.captionVersion.findFirst({
    where: { recordingId },
    orderBy: { version: "desc" },
    select: {
      version: true,
      vtt: true,
      source: true,
      createdAt: true,
      storageKey: true,
      editedBy: { select: { name: true } },
    },
  });
}

/** The newest captions as the player's transcript shows them, or null before there are any. */
export async function newestCaptions(recordingId: string): Promise<CaptionVersionView | null> {
  const row = await newestCaptionVersion(recordingId);
  if (!row) return null;
  const parsed = parseVtt(row.vtt);
  return {
    version: row.version,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
    editedBy: row.editedBy?.name ?? null,
    cues: parsed.ok ? parsed.cues : [],
  };
}

export type CueEdit = { baseVersion: number; position: number; text: string };

export type CueEditResult =
  | { ok: true; version: number; vtt: string; storageKey: string | null }
  | { ok: false; status: 400 | 404 | 409; error: string };

/**
 * One cue's new text as a new version, by `editorId`. Saved only on top of the version the editor saw: an edit made
 * meanwhile (another tab, the other host) is not overwritten but refused with 409.
 */
export async function editCue(recordingId: string, editorId: string, edit: CueEdit): Promise<CueEditResult> {
  const checked = checkCueText(edit.text);
  if (!checked.ok) return { ok: false, status: 400, error: checked.error };
  return prisma.$transaction(async (tx): Promise<CueEditResult> => {
    const newest = await tx.captionVersion.findFirst({
      where: { recordingId },
      orderBy: { version: "desc" },
      select: { version: true, vtt: true, storageKey: true },
    });
    if (!newest) return { ok: false, status: 404, error: "This recording has no captions yet." };
    if (newest.version !== edit.baseVersion) {
      return { ok: false, status: 409, error: "The captions were changed meanwhile; reload the page and edit again." };
    }
    const parsed = parseVtt(newest.vtt);
    const cues = parsed.ok ? parsed.cues : [];
    const cue = cues[edit.position];
    if (!cue) return { ok: false, status: 404, error: "That caption was not found." };
    cues[edit.position] = { ...cue, text: checked.text };
    const version = await writeCaptionVersion(tx, recordingId, cues, {
      source: "edit",
      editedById: editorId,
      storageKey: newest.storageKey,
    });
    return { ok: true, version, vtt: writeVtt(cues), storageKey: newest.storageKey };
  });
}
