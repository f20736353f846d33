// The three event-stream endpoints, judged the same way on the production server's lean path and in the Remix routes
// (`npm run dev`): who asks (one query), what they may see, whether they may open one more stream; then what to send.
import { controlsSession } from "~/access/live-session-access";
import { PAGE_STREAM_PATH, pageStreamQuerySchema } from "~/events/live-wire";
import {
  parsePageCursor,
  relayPageEvents,
  relayRecordingTransitions,
  relayUserNotifications,
  type RelayedSession,
} from "~/events/live-streams.server";
import { eventStreamResponse, parseLastEventId, SSE_HEADERS, type StreamSource } from "~/events/sse.server";
import { admitStream, authenticateStream, type StreamKind, type StreamLogin } from "~/events/stream-access.server";
import { ApiError, forbidden, handleApi, notFound, unauthenticated } from "~/http/api-error.server";
import { parseSessionId } from "~/http/route-input.server";
import {
  sessionsSeenOnDashboard,
  streamSessionRecord,
  type StreamSessionRecord,
} from "~/live-sessions/stream-sessions.server";

export type StreamRequest = {
  kind: StreamKind;
  /** HEAD is judged like GET and answered with the headers alone: it opens nothing and holds no place. */
  method: "GET" | "HEAD";
  cookie: string | null;
  /** The Last-Event-ID header (a browser's reconnect). */
  lastEventId: string | null;
  query: URLSearchParams;
  /** The session of a recording stream, from its path. */
  liveSessionId?: string;
};

const SESSION_STREAM = /^\/api\/live-sessions\/([^/]+)\/recording\/events$/;

/** The stream a GET path names, if any. */
export function matchStreamPath(pathname: string): { kind: StreamKind; liveSessionId?: string } | null {
  if (pathname === PAGE_STREAM_PATH) return { kind: "page" };
  if (pathname === "/api/notifications/events") return { kind: "notifications" };
  const session = SESSION_STREAM.exec(pathname);
  if (!session) return null;
  try {
    return { kind: "session", liveSessionId: decodeURIComponent(session[1]) };
  } catch {
    return { kind: "session", liveSessionId: "" };
  }
}

export function streamRequestOf(request: Request, kind: StreamKind, liveSessionId?: string): StreamRequest {
  return {
    kind,
    method: request.method === "HEAD" ? "HEAD" : "GET",
    cookie: request.headers.get("Cookie"),
    lastEventId: request.headers.get("Last-Event-ID"),
    query: new URL(request.url).searchParams,
    liveSessionId,
  };
}

async function requireLogin(request: StreamRequest, session?: StreamSessionRecord): Promise<StreamLogin> {
  const login = await authenticateStream(request.cookie, session);
  if (!login) throw unauthenticated();
  return login;
}

/** The host, an enrolled student or an admin; 401, 404 and 403 in the order the JSON API answers them. */
async function requireViewer(
  request: StreamRequest,
  rawId: string,
): Promise<{ login: StreamLogin; session: StreamSessionRecord; relayed: RelayedSession }> {
  const valid = /^[A-Za-z0-9_-]{1,64}$/.test(rawId);
  const session = valid ? await streamSessionRecord(rawId) : null;
  const login = await requireLogin(request, session ?? undefined);
  if (!session) throw notFound("That live session");
  const role = login.sessionRole;
  if (!role) throw forbidden("You are not enrolled in this live session.");
  const relayed = {
    id: session.id,
    recordingUpdatedAt: session.recordingUpdatedAt,
    showsStorageUrl: controlsSession(role),
  };
  return { login, session, relayed };
}

/**
 * Judges a stream request; throws the refusal (an ApiError or an error Response) or returns what the stream sends.
 * The admitted stream holds a place until it is released: by the channel's close once `open` has attached it to the
 * channel, or by the caller when no channel opens.
 */
export async function planStream(request: StreamRequest): Promise<StreamSource> {
  switch (request.kind) {
    case "session": {
      const id = parseSessionId({ id: request.liveSessionId });
      const { login, session, relayed } = await requireViewer(request, id);
      const lastEventId = parseLastEventId(request.lastEventId ?? request.query.get("lastEventId"));
      const ticket = admitStream("session", login, { liveSessionIds: [session.id], resumed: lastEventId !== null });
      return {
        release: () => ticket.release(),
        open(channel) {
          ticket.attach(channel);
          return relayRecordingTransitions(channel, relayed, lastEventId);
        },
      };
    }
    case "notifications": {
      const login = await requireLogin(request);
      const lastEventId = parseLastEventId(request.lastEventId ?? request.query.get("lastEventId"));
      const ticket = admitStream("notifications", login, { liveSessionIds: [], resumed: lastEventId !== null });
      return {
        release: () => ticket.release(),
        open(channel) {
          ticket.attach(channel);
          return relayUserNotifications(channel, login.user.id, lastEventId, login.notifications);
        },
      };
    }
    case "page": {
      const parsed = pageStreamQuerySchema.safeParse(Object.fromEntries(request.query));
      if (!parsed.success) {
        // Who asks is judged first, as for every API call: an anonymous bad query is still 401.
        await requireLogin(request);
        throw new ApiError(400, "invalid_query", "The stream's query parameters are not valid.");
      }
      const query = parsed.data;
      // A reconnect's Last-Event-ID (or the client's own copy of it) wins over the first connection's parameters.
      const resume = parsePageCursor(request.lastEventId ?? query.lastEventId ?? null);
      const focused = query.session ? await requireViewer(request, query.session) : null;
      const login = focused?.login ?? (await requireLogin(request));
      const isAdmin = login.user.role === "ADMIN";
      const watched: RelayedSession[] = query.dashboard
        ? (await sessionsSeenOnDashboard(login.user)).map(({ id, recordingUpdatedAt, controls }) => ({
            id,
            recordingUpdatedAt,
            showsStorageUrl: controls,
          }))
        : [];
      const ticket = admitStream("page", login, {
        // Every session the page relays is re-checked; an admin's dashboard (every session) depends on the role alone.
        liveSessionIds: [...(focused ? [focused.session.id] : []), ...(isAdmin ? [] : watched.map(({ id }) => id))],
        resumed: resume !== null,
      });
      return {
        release: () => ticket.release(),
        open(channel) {
          ticket.attach(channel);
          return relayPageEvents(channel, {
            userId: login.user.id,
            focus: focused ? { session: focused.relayed, after: resume?.transitionId ?? query.after ?? null } : null,
            watched,
            notificationsAfter: resume?.notificationId ?? query.notificationsAfter ?? null,
            notificationsKnown: login.notifications,
          });
        },
      };
    }
  }
}

/**
 * A stream route of the Remix routes (`npm run dev`; the production server answers these paths on its lean path): the
 * stream, or for HEAD the headers alone. Remix drops a HEAD answer's body unread, so HEAD must never open a stream.
 */
export function streamRouteResponse(request: Request, kind: StreamKind, liveSessionId?: string): Promise<Response> {
  return handleApi(request, async () => {
    const source = await planStream(streamRequestOf(request, kind, liveSessionId));
    if (request.method !== "HEAD") return eventStreamResponse(request, source);
    source.release();
    return new Response(null, { headers: SSE_HEADERS });
  });
}
