// The host's (and admins') controls on a recording's page: publish or unpublish it, downloads on or off, and share
// links for people outside the class. Plain forms: they work without JavaScript too.
import { Form } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";

export type TeacherControlsData = {
  status: string;
  published: boolean;
  downloadable: boolean;
  publishMode: string;
};

export type ShareLinkRow = {
  id: string;
  name: string;
  expiresAt: string;
  revokedAt: string | null;
  uses: number;
  state: "active" | "expired" | "revoked";
};

/** Lifetimes offered for a new link: hours to weeks (the API takes any time up to a year). */
export const SHARE_LIFETIMES = [
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "1 day" },
  { value: "604800", label: "1 week" },
  { value: "2419200", label: "4 weeks" },
] as const;

export function PublicationControls({ controls }: { controls: TeacherControlsData }) {
  if (controls.status !== "READY") return null;
  return (
    <section className="card stack" aria-labelledby="publication-heading">
      <h2 id="publication-heading">Who sees it</h2>
      <p data-testid="publication-state" data-published={String(controls.published)}>
        {controls.published
          ? "Published: the students of this class can watch it."
          : "Ready, not published: only you and administrators can see it."}
      </p>
      <div className="recording-actions">
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value={controls.published ? "unpublish" : "publish"} />
          <button type="submit" className="button button--small">
            {controls.published ? "Unpublish" : "Publish"}
          </button>
        </Form>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="downloadable" />
          <input type="hidden" name="downloadable" value={controls.downloadable ? "false" : "true"} />
          <button type="submit" className="button button--small button--ghost">
            {controls.downloadable ? "Turn downloads off" : "Turn downloads on"}
          </button>
        </Form>
      </div>
      <p className="muted">
        {controls.downloadable ? "Viewers may download the file." : "Downloads are off: it can only be watched here."}
      </p>
    </section>
  );
}

export function ShareLinks({ links, newUrl }: { links: ShareLinkRow[]; newUrl: string | null }) {
  return (
    <section className="card stack" aria-labelledby="share-heading">
      <h2 id="share-heading">Share links</h2>
      <p className="muted">
        A link lets someone outside the class (a substitute, a parent, a tutor) watch this recording here, without an
        account and without a download, until it expires or you revoke it.
      </p>
      {newUrl ? (
        <p className="message message--success" role="status">
          New link (copy it now, it is shown only once): <code data-testid="new-share-url">{newUrl}</code>
        </p>
      ) : null}
      <Form method="post" className="share-form">
        <input type="hidden" name="intent" value="share" />
        <label className="field">
          Who it is for
          <input name="name" required maxLength={80} />
        </label>
        <label className="field">
          Open for
          <select name="lifetimeSeconds" defaultValue="604800">
            {SHARE_LIFETIMES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--small">
          Create link
        </button>
      </Form>
      {links.length === 0 ? (
        <p className="muted">No links yet.</p>
      ) : (
        <table data-testid="share-links">
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Until</th>
              <th scope="col">Uses</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {links.map((link) => (
              <tr key={link.id} data-share-id={link.id}>
                <td>{link.name}</td>
                <td>
                  <LocalTime iso={link.expiresAt} />
                </td>
                <td>{link.uses}</td>
                <td>{link.state}</td>
                <td>
                  {link.state === "active" ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="shareId" value={link.id} />
                      <button
                        type="submit"
                        className="button button--small button--ghost"
                        aria-label={`Revoke the link for ${link.name}`}
                      >
                        Revoke
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
