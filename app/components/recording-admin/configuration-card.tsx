// The recording variables, set or unset (never their values), and the webhook URL to give Jibri.
import type { Diagnostics } from "~/components/recording-admin/types";

export function ConfigurationCard({ settings, webhookUrl }: Pick<Diagnostics, "settings" | "webhookUrl">) {
  return (
    <section className="card" aria-labelledby="config-heading">
      <h2 id="config-heading">Configuration</h2>
      <table className="table table--settings">
        <thead>
          <tr>
            <th scope="col">Variable</th>
            <th scope="col">State</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {settings.map((setting) => (
            <tr key={setting.name}>
              <td>
                <code>{setting.name}</code>
              </td>
              <td>
                <span className={`pill pill--${setting.state}`} data-testid={`setting-${setting.name}`}>
                  {setting.state}
                </span>
              </td>
              <td className="muted">{setting.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="webhook-url">
        Webhook URL to give Jibri: <code data-testid="webhook-url">{webhookUrl}</code>
      </p>
    </section>
  );
}
