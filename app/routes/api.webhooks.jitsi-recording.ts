// POST /api/webhooks/jitsi-recording: Jibri's signed callback after upload.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleApi } from "~/http/api-error.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { receiveJibriWebhook } from "~/recording/jibri-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("POST");
    return receiveJibriWebhook(request);
  });
}

export async function loader({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
