// GET /recordings: every READY recording the user may watch, newest first, with a cohort filter and a search by title
// or by words said (each matching line links to its moment in the player).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import type { LiveHandle } from "~/components/live-events";
import { presentSearchParams } from "~/http/query-params";
import { formatBytes, formatDurationSeconds, RecordingDate } from "~/components/recording-facts";
import { libraryQuerySchema, nextPageSearch } from "~/recording/library-query";
import { listCohortsForViewer, listWatchableRecordings } from "~/recording/recording-library.server";
import { recordingTitle } from "~/recording/messages";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = libraryQuerySchema.safeParse(presentSearchParams(request.url));
  if (!parsed.success)
    throw new Response(parsed.error.issues.map((issue) => issue.message).join("; "), { status: 400 });
  const [{ entries, nextBefore }, cohorts] = await Promise.all([
    listWatchableRecordings(user, parsed.data),
    listCohortsForViewer(user),
  ]);
  return json({
    recordings: entries,
    cohorts,
    filter: { cohort: parsed.data.cohort ?? "", q: parsed.data.q ?? "" },
    next: nextBefore ? `/recordings${nextPageSearch(parsed.data, nextBefore)}` : null,
  });
}

/** A recording made ready or deleted anywhere the user can see changes the list: it loads again. */
export const handle: LiveHandle = { live: () => ({ allSessions: true }), revalidateOn: ["status", "notification"] };

export default function RecordingsPage() {
  const { recordings, cohorts, filter, next } = useLoaderData<typeof loader>();
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Recordings</h1>
      </div>
      <Form method="get" className="filter-form" role="search">
        <label>
          Cohort{" "}
          <select name="cohort" defaultValue={filter.cohort}>
            <option value="">All cohorts</option>
            {cohorts.map((cohort) => (
              <option key={cohort.id} value={cohort.id}>
                {cohort.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Title or words said <input type="search" name="q" defaultValue={filter.q} maxLength={120} />
        </label>
        <button type="submit" className="button button--ghost">
          Filter
        </button>
      </Form>
      {recordings.length === 0 ? (
        <p className="empty">No recordings to watch{filter.q || filter.cohort ? " match this filter" : " yet"}.</p>
      ) : (
        <ul className="session-list" aria-label="Recordings" data-testid="library">
          {recordings.map((recording) => (
            <li key={recording.id} className="card session-card" data-recording-id={recording.id}>
              <div className="session-card__main">
                <h2>
                  <Link to={recording.pageUrl}>{recordingTitle(recording.number, recording.title)}</Link>
                </h2>
                <p className="muted">
                  <RecordingDate iso={recording.startedAt} /> · {formatDurationSeconds(recording.durationSeconds)} ·{" "}
                  {formatBytes(recording.sizeBytes)} · {recording.cohortName}
                </p>
                {recording.matches.length > 0 ? (
                  <ul
                    className="spoken-matches"
                    aria-label={`Said in ${recordingTitle(recording.number, recording.title)}`}
                  >
                    {recording.matches.map((match) => (
                      <li key={match.pageUrl}>
                        <Link to={match.pageUrl}>
                          <span className="spoken-matches__time">{formatDurationSeconds(match.startSeconds)}</span>{" "}
                          {match.text}
                        </Link>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
              <Link
                to={recording.pageUrl}
                className="button button--small"
                aria-label={`Watch ${recordingTitle(recording.number, recording.title)}`}
              >
                Watch
              </Link>
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <p>
          <Link to={next} rel="next">
            Older recordings →
          </Link>
        </p>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Recordings · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
