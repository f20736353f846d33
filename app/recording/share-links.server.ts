// Share links: a named, expiring, revocable way for someone outside the class to watch one recording in the app's
// player without an account. The token is shown once; only its SHA-256 is stored, and a presented token is compared
// with the stored hash in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { singleLine } from "~/lib/single-line-text";

/** 32 random bytes: unguessable, and as base64url 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const SHARE_LINK_MAX_DAYS = 365;
/** A link must stay open at least this long: one that expires within minutes is a mistake, not a choice. */
export const SHARE_LINK_MIN_MINUTES = 10;

export function shareLinkUrlOf(token: string): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/s/${token}`;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** `{name, expiresAt}` as the API and the recording page's form send it; `now` bounds the expiry. */
export function shareLinkInputSchema(now = new Date()) {
  return z.object({
    name: singleLine(
      z.string().trim().min(1, "Give the link a name (who it is for).").max(80, "Keep the name under 80 characters."),
      "name",
    ),
    expiresAt: z.coerce
      .date({ invalid_type_error: "expiresAt must be a date and time (ISO 8601)." })
      .refine((d) => d.getTime() > now.getTime(), "The expiry must be in the future.")
      .refine(
        (d) => d.getTime() >= now.getTime() + SHARE_LINK_MIN_MINUTES * 60_000,
        `The link must stay open at least ${SHARE_LINK_MIN_MINUTES} minutes.`,
      )
      .refine(
        (d) => d.getTime() <= now.getTime() + SHARE_LINK_MAX_DAYS * 24 * 3600_000,
        "A link can stay open at most one year.",
      ),
  });
}

export type ShareLinkInput = z.infer<ReturnType<typeof shareLinkInputSchema>>;

/** Creates a link; the token is in this answer only. */
export async function createShareLink(recordingId: string, input: ShareLinkInput, actor: string) {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  const link = await prisma.shareLink.create({
    data: { recordingId, name: input.name, expiresAt: input.expiresAt, tokenHash: hashToken(token), createdBy: actor },
    select: { id: true, name: true, expiresAt: true, createdAt: true },
  });
  return { ...link, token, url: shareLinkUrlOf(token) };
}

export type ShareLinkState = "active" | "expired" | "revoked";

function stateOf(link: { revokedAt: Date | null; expiresAt: Date }, now: Date): ShareLinkState {
  if (link.revokedAt) return "revoked";
  return link.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

/** A recording's links, newest first, with their uses; never their tokens. */
export async function listShareLinks(recordingId: string, now = new Date()) {
  const rows = await prisma.shareLink.findMany({
    where: { recordingId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      name: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      uses: true,
      lastUsedAt: true,
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    uses: row.uses,
    state: stateOf(row, now),
  }));
}

/** Revokes one link of this recording; false when the recording has no such link. A second revoke changes nothing. */
export async function revokeShareLink(recordingId: string, shareId: string): Promise<boolean> {
  const link = await prisma.shareLink.findFirst({ where: { id: shareId, recordingId }, select: { id: true } });
  if (!link) return false;
  await prisma.shareLink.updateMany({ where: { id: shareId, revokedAt: null }, data: { revokedAt: new Date() } });
  return true;
}

export type SharedRecording =
  | { kind: "unknown" }
  | { kind: "gone"; why: "revoked" | "expired" | "unavailable"; name: string }
  | {
      kind: "open";
      link: { id: string; name: string; expiresAt: Date };
      recording: {
        id: string;
        number: number;
        recordingUrl: string | null;
        storageKey: string | null;
        durationSeconds: number | null;
        startedAt: Date;
        title: string;
      };
    };

/**
 * What a presented token opens. A malformed or forged token is unknown; a revoked or expired link, or one whose
 * recording is no longer watchable by students (unpublished, in the trash), is gone, and says which.
 */
export async function resolveShareToken(token: string, now = new Date()): Promise<SharedRecording> {
  if (!TOKEN_PATTERN.test(token)) return { kind: "unknown" };
  const presented = hashToken(token);
  const link = await prisma.shareLink.findUnique({
    where: { tokenHash: presented },
    select: {
      id: true,
      name: true,
      tokenHash: true,
      expiresAt: true,
      revokedAt: true,
      recording: {
        select: {
          id: true,
          number: true,
          status: true,
          recordingUrl: true,
          storageKey: true,
          durationSeconds: true,
          startedAt: true,
          publishedAt: true,
          deletedAt: true,
          liveSession: { select: { title: true } },
        },
      },
    },
  });
  // The lookup is by the hash; the comparison that decides is constant-time all the same.
  if (!link || !timingSafeEqual(Buffer.from(link.tokenHash, "hex"), Buffer.from(presented, "hex"))) {
    return { kind: "unknown" };
  }
  const state = stateOf(link, now);
  if (state !== "active") return { kind: "gone", why: state, name: link.name };
  const { recording } = link;
  if (recording.status !== "READY" || !recording.publishedAt || recording.deletedAt) {
    return { kind: "gone", why: "unavailable", name: link.name };
  }
  return {
    kind: "open",
    link: { id: link.id, name: link.name, expiresAt: link.expiresAt },
    recording: {
      id: recording.id,
      number: recording.number,
      recordingUrl: recording.recordingUrl,
      storageKey: recording.storageKey,
      durationSeconds: recording.durationSeconds,
      startedAt: recording.startedAt,
      title: recording.liveSession.title,
    },
  };
}

/** Counts one opening of the link's page. */
export async function countShareLinkUse(linkId: string): Promise<void> {
  await prisma.shareLink.update({
    where: { id: linkId },
    data: { uses: { increment: 1 }, lastUsedAt: new Date() },
  });
}
