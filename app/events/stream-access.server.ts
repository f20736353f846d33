// Who may hold which event stream: the login behind a stream's cookie (one query, with what its user is to the
// stream's session), a user's open streams on this instance (STREAMS_PER_USER), and a re-check on the streams' shared
// tick that ends every stream whose login ended or whose user lost access to any session it relays.
import { lostAccess } from "~/access/access-recheck.server";
import { asSessionRole, type SessionParties, type SessionRole } from "~/access/live-session-access";
import { readLoginRow } from "~/auth/login-reads.server";
import { sessionIdFromCookie } from "~/auth/session.server";
import { isRole } from "~/auth/roles";
import type { AppUser } from "~/auth/users.server";
import { getEnv } from "~/config/env.server";
import { asDate } from "~/db/stream-reads.server";
import { eventBus } from "~/events/bus.server";
import type { NotificationsKnown } from "~/events/live-streams.server";
import { onStreamTick, type SseChannel } from "~/events/sse.server";
import { ApiError } from "~/http/api-error.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";

export type StreamKind = "session" | "notifications" | "page";

export type StreamLogin = {
  userSessionId: string;
  user: AppUser;
  /** What the user is to the session the login was read for (null: may not see it, or no session was given). */
  sessionRole: SessionRole | null;
  /** The user's newest notification when the login was read, so a stream that missed none reads none. */
  notifications: NotificationsKnown;
};

/**
 * The signed-in user behind a Cookie header, in one query: the login row, its user, its newest notification id, and
 * (when `session` is given) what the user is to that session. Null when the cookie is missing, forged, or its login
 * ended or expired.
 * Through the streams' own reads (auth/login-reads.server.ts): it runs once per connect.
 */
export async function authenticateStream(
  cookieHeader: string | null,
  session?: SessionParties,
): Promise<StreamLogin | null> {
  // Verified on every connect (5–10 µs): a cache would save that only on a reconnect, and would keep each cookie's text
  // for as long as the process runs.
  const userSessionId = await sessionIdFromCookie(cookieHeader);
  if (!userSessionId) return null;
  // Read before the query: if it has not moved once the stream is subscribed, the query's notification id is current.
  const epoch = eventBus.notificationEpoch();
  const row = await readLoginRow(userSessionId, session);
  if (!row || asDate(row.expiresAt).getTime() <= Date.now() || !isRole(row.role)) return null;
  return {
    userSessionId,
    user: { id: row.id, email: row.email, name: row.name, role: row.role },
    sessionRole: session ? asSessionRole(row.sessionRole) : null,
    notifications: { latestId: Number(row.latestNotificationId ?? 0), epoch },
  };
}

// ---- Open streams of this instance ----

/**
 * One admitted stream: its place among the user's STREAMS_PER_USER, and what the access re-check needs once a channel
 * holds it. It keeps its own record only, not the login it was admitted with (an open stream lives for hours).
 */
class AdmittedStream {
  channel: SseChannel | null = null;
  #released = false;

  constructor(
    readonly kind: StreamKind,
    readonly userSessionId: string,
    readonly userId: string,
    readonly isAdmin: boolean,
    /** Every session the stream relays (its own, a page's focused one, a student's or host's dashboard's). */
    readonly liveSessionIds: string[],
  ) {}

  /**
   * Gives the place back, once, whichever comes first: the channel closing (the stream is its cleanup: a method, not a
   * closure each), or the stream never opening.
   */
  release() {
    if (this.#released) return;
    this.#released = true;
    if (this.channel) {
      open.delete(this);
      metrics().openStreams.dec({ stream: this.kind });
    }
    const left = (openByUser.get(this.userId) ?? 1) - 1;
    if (left > 0) openByUser.set(this.userId, left);
    else openByUser.delete(this.userId);
  }

  attach(channel: SseChannel) {
    if (this.#released || this.channel) return;
    this.channel = channel;
    channel.onClose(this);
    open.add(this);
    metrics().openStreams.inc({ stream: this.kind });
    stopTick ??= onStreamTick(() => void recheckAccess());
  }
}

const openByUser = new Map<string, number>();
const open = new Set<AdmittedStream>();
let stopTick: (() => void) | undefined;

export type StreamTicket = {
  /** Binds the admitted stream to its channel, whose close then runs `release`: watched by the access re-check. */
  attach(channel: SseChannel): void;
  /**
   * Gives the place back; idempotent. Every path that admitted a stream calls it: the channel's close, a client that
   * left before its stream opened, a HEAD request (headers only).
   */
  release(): void;
};

/**
 * Admits one more stream of `login`'s user on this instance, or refuses it with 429 `too_many_streams` (other users
 * are unaffected). The place is taken at once, so concurrent connects cannot overshoot the limit.
 */
export function admitStream(
  kind: StreamKind,
  login: StreamLogin,
  options: { liveSessionIds: string[]; resumed: boolean },
): StreamTicket {
  const userId = login.user.id;
  const held = openByUser.get(userId) ?? 0;
  const limit = getEnv().STREAMS_PER_USER;
  if (held >= limit) {
    metrics().streamConnects.inc({ stream: kind, outcome: "refused_limit" });
    throw new ApiError(
      429,
      "too_many_streams",
      `You have ${limit} live pages open already. Close some tabs, then reload this one.`,
      { "Retry-After": "10" },
    );
  }
  openByUser.set(userId, held + 1);
  metrics().streamConnects.inc({ stream: kind, outcome: options.resumed ? "resumed" : "opened" });
  return new AdmittedStream(kind, login.userSessionId, userId, login.user.role === "ADMIN", options.liveSessionIds);
}

// ---- The periodic re-check ----

let checking: Promise<void> | null = null;
let queued: Promise<void> | null = null;

/**
 * Reads, in a few batched queries for all open streams of this instance, which logins still stand (and with which
 * role), which sessions still exist and who is still enrolled; ends the streams that lost access to any session they
 * relay (the client's reconnect is then judged afresh). Runs on the streams' tick, and at once after a change of
 * access made on this instance: it resolves once a pass that began after the call has ended.
 */
export function recheckAccess(): Promise<void> {
  if (!checking) {
    checking = checkOpenStreams().finally(() => (checking = null));
    return checking;
  }
  // A pass under way may have read before the caller's change: one more follows it, for every caller meanwhile.
  queued ??= checking.then(() => {
    queued = null;
    return recheckAccess();
  });
  return queued;
}

async function checkOpenStreams(): Promise<void> {
  const streams = [...open].filter((stream) => stream.channel && !stream.channel.closed);
  if (streams.length === 0) return;
  try {
    for (const [stream, reason] of await lostAccess(streams)) {
      if (!stream.channel || stream.channel.closed) continue;
      logger.info("sse.access_lost", { stream: stream.kind, userId: stream.userId, reason });
      stream.channel.close();
    }
  } catch (error) {
    logger.error("sse.access_check_failed", { error: describeError(error) });
  }
}

export function openStreamsOfUser(userId: string): number {
  return openByUser.get(userId) ?? 0;
}
