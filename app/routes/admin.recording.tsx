// GET /admin/recording: the operator's view of recording configuration, recorder health and webhook deliveries.
// Each section is its own part (app/components/recording-admin/).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { ConfigurationCard } from "~/components/recording-admin/configuration-card";
import { DeliveriesTable, RefusalsTable } from "~/components/recording-admin/delivery-tables";
import { CaptionsCard } from "~/components/recording-admin/captions-card";
import { HealthCard } from "~/components/recording-admin/health-card";
import { FailedEmailList, PendingDeletionList } from "~/components/recording-admin/outbox-lists";
import { FailureList, StalledList, UnconfirmedStopList } from "~/components/recording-admin/recording-lists";
import { getRecordingDiagnostics } from "~/recording/diagnostics.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  return json(await getRecordingDiagnostics(), { headers: { "Cache-Control": "no-store" } });
}

export default function RecordingAdminPage() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Recording administration</h1>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => revalidator.revalidate()}
          disabled={revalidator.state !== "idle"}
        >
          Refresh
        </button>
      </div>
      <ConfigurationCard settings={data.settings} webhookUrl={data.webhookUrl} />
      <HealthCard health={data.health} />
      <CaptionsCard captions={data.captions} />
      <StalledList stalled={data.stalled} />
      <FailureList failures={data.failures} />
      <FailedEmailList failedEmails={data.failedEmails} />
      <PendingDeletionList pendingDeletions={data.pendingDeletions} />
      <UnconfirmedStopList unconfirmedStops={data.unconfirmedStops} />
      <DeliveriesTable deliveries={data.deliveries} />
      <RefusalsTable refusals={data.refusals} />
      <section className="card" aria-labelledby="test-heading">
        <h2 id="test-heading">Send a signed test delivery</h2>
        <p>Run this where the webhook secret is set; the secret is read from your shell and never shown here.</p>
        {/* Focusable and named: a keyboard can then scroll the long lines into view. */}
        <pre className="code" tabIndex={0} role="region" aria-label="The test delivery command">
          {data.testCommand}
        </pre>
      </section>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Recording administration · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
