// GET /s/:token: a share link's page, the app's player for someone outside the class, without an account and without a
// download. A revoked or expired link (or one whose recording is no longer available) says so plainly (410).
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LocalTime } from "~/components/local-time";
import { formatDurationSeconds, RecordingDate } from "~/components/recording-facts";
import { RecordingPlayer } from "~/components/recording-player";
import { recordingTitle } from "~/recording/messages";
import { countShareLinkUse, resolveShareToken } from "~/recording/share-links.server";
import { getRecordingStorage } from "~/storage/storage.server";
import { playsInBrowser } from "~/storage/watch-url";

// The token is the key: it must never leave in a Referer, nor sit in a cache.
const HEADERS = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };

const GONE_TEXT = {
  revoked: "The teacher has revoked this link.",
  expired: "This link has expired.",
  unavailable: "The recording behind this link is no longer available.",
} as const;

export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const shared = await resolveShareToken(token);
  if (shared.kind === "unknown") {
    throw new Response("This link does not open any recording. Check that it was copied whole.", {
      status: 404,
      headers: HEADERS,
    });
  }
  if (shared.kind === "gone") {
    return json({ kind: "gone" as const, message: GONE_TEXT[shared.why] }, { status: 410, headers: HEADERS });
  }
  await countShareLinkUse(shared.link.id);
  const { recording } = shared;
  return json(
    {
      kind: "open" as const,
      name: shared.link.name,
      expiresAt: shared.link.expiresAt.toISOString(),
      title: recordingTitle(recording.number, recording.title),
      startedAt: recording.startedAt.toISOString(),
      durationSeconds: recording.durationSeconds,
      playable: playsInBrowser(recording.storageKey ?? recording.recordingUrl),
      watchUrl: `/s/${token}/watch`,
      progressUrl: `/s/${token}/progress`,
      linkLifetimeSeconds: getRecordingStorage().linkLifetimeSeconds,
    },
    { headers: HEADERS },
  );
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function SharedRecordingPage() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "gone") {
    return (
      <section className="card narrow error-page" data-testid="share-link-gone">
        <h1>This link no longer works</h1>
        <p>{data.message}</p>
        <p>Ask the teacher who sent it for a new one.</p>
      </section>
    );
  }
  return (
    <article className="stack" data-testid="shared-recording">
      <header>
        <h1>{data.title}</h1>
        <p className="muted">
          <RecordingDate iso={data.startedAt} /> · {formatDurationSeconds(data.durationSeconds)} · Shared with{" "}
          {data.name} until <LocalTime iso={data.expiresAt} />
        </p>
      </header>
      {data.playable ? (
        <RecordingPlayer
          watchUrl={data.watchUrl}
          linkLifetimeSeconds={data.linkLifetimeSeconds}
          progressUrl={data.progressUrl}
          downloadable={false}
        />
      ) : (
        <p className="muted">This recording does not play in a browser.</p>
      )}
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.kind === "open" ? `${data.title} · OptiLearn Live` : "Shared recording · OptiLearn Live" },
  { name: "robots", content: "noindex" },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary titles={{ 404: "This link does not open a recording" }} />;
}
