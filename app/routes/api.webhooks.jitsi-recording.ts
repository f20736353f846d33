// POST /api/webhooks/jitsi-recording: Jibri's signed callback after upload. Every method reaches the intake, so an
// unconfigured webhook answers 503 to all of them.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/http/webhook-intake.server";
import { jibriWebhook } from "~/recording/jibri-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  return receiveWebhook(request, jibriWebhook);
}

export async function loader({ request }: LoaderFunctionArgs) {
  return receiveWebhook(request, jibriWebhook);
}
