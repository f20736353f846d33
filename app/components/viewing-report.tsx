// Who watched a recording, for its host and admins: the figures, a chart of how many students reached each minute,
// every student (who has not opened it too), share links by name, and the CSV export.
import { formatDurationSeconds } from "~/components/recording-facts";
import { LocalTime } from "~/components/local-time";

export type ViewingReportData = {
  viewers: number;
  totalMinutes: number;
  medianMinutes: number;
  students: Array<{ userId: string; name: string; furthestSeconds: number; minutes: number; lastAt: string }>;
  notOpened: Array<{ userId: string; name: string }>;
  shares: Array<{ name: string; views: number; minutes: number }>;
  byMinute: Array<{ minute: number; viewers: number }>;
};

export function ViewingReport({ report, csvUrl }: { report: ViewingReportData; csvUrl: string }) {
  return (
    <section className="card stack" aria-labelledby="views-heading" data-testid="viewing-report">
      <h2 id="views-heading">Who watched</h2>
      <p>
        <span data-testid="viewers">{report.viewers}</span> {report.viewers === 1 ? "student" : "students"} watched ·{" "}
        {report.totalMinutes} minutes in all · median {report.medianMinutes} minutes · {report.notOpened.length} not
        opened yet · <a href={csvUrl}>Download as CSV</a>
      </p>
      <MinuteChart byMinute={report.byMinute} />
      <table data-testid="viewing-table">
        <caption className="visually-hidden">Students and how far they watched</caption>
        <thead>
          <tr>
            <th scope="col">Student</th>
            <th scope="col">Furthest point</th>
            <th scope="col">Minutes watched</th>
            <th scope="col">Last watched</th>
          </tr>
        </thead>
        <tbody>
          {report.students.map((s) => (
            <tr key={s.userId} data-user-id={s.userId}>
              <td>{s.name}</td>
              <td data-seconds={s.furthestSeconds}>{formatDurationSeconds(s.furthestSeconds)}</td>
              <td>{s.minutes}</td>
              <td>
                <LocalTime iso={s.lastAt} />
              </td>
            </tr>
          ))}
          {report.notOpened.map((s) => (
            <tr key={s.userId} data-user-id={s.userId} data-not-opened="true">
              <td>{s.name}</td>
              <td colSpan={3}>Not opened</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.shares.length > 0 ? (
        <p className="muted">
          Share links:{" "}
          {report.shares
            .map((s) => `${s.name} (${s.views} ${s.views === 1 ? "view" : "views"}, ${s.minutes} min)`)
            .join(", ")}
        </p>
      ) : null}
    </section>
  );
}

/** One bar per minute: how many students got at least that far. Drawn as SVG, with the numbers in its title. */
function MinuteChart({ byMinute }: { byMinute: ViewingReportData["byMinute"] }) {
  const most = Math.max(1, ...byMinute.map((m) => m.viewers));
  const barWidth = 12;
  const height = 80;
  const summary = byMinute.map((m) => `minute ${m.minute + 1}: ${m.viewers}`).join(", ");
  return (
    <figure className="minute-chart">
      <svg
        role="img"
        aria-label={`Students who reached each minute: ${summary}`}
        width={Math.max(barWidth, byMinute.length * barWidth)}
        height={height}
        data-testid="minute-chart"
      >
        {byMinute.map((m) => {
          const barHeight = Math.round((m.viewers / most) * (height - 4));
          return (
            <rect
              key={m.minute}
              x={m.minute * barWidth + 1}
              y={height - barHeight}
              width={barWidth - 2}
              height={barHeight}
              data-minute={m.minute}
              data-viewers={m.viewers}
            >
              <title>{`Minute ${m.minute + 1}: ${m.viewers}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted">Students who reached each minute of the recording</figcaption>
    </figure>
  );
}
