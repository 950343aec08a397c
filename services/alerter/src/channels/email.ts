import nodemailer, { type Transporter } from "nodemailer";
import { escapeHtml, renderText, subjectOf, tagsOf, type AlertMessage } from "../alert-message.js";
import { unsubscribeUrl as signedUnsubscribeUrl } from "../unsubscribe-link.js";
import { DeliveryFailure } from "./delivery-failure.js";

/** linkSecret signs the unsubscribe link, which the API's `/unsubscribe/:token` checks. */
export interface EmailConfig { smtpUrl: string | undefined; from: string; publicUrl: string; linkSecret: string }

export interface RenderedEmail { subject: string; text: string; html: string; unsubscribeUrl: string }

export function renderEmail(m: AlertMessage, publicUrl: string, linkSecret: string): RenderedEmail {
  const unsubscribeUrl = signedUnsubscribeUrl(publicUrl, m.subscription.id, linkSecret);
  const items = m.articles.map((a) => {
    const tags = tagsOf(a);
    return `<li style="margin-bottom:1em"><a href="${escapeHtml(a.url)}"><strong>${escapeHtml(a.title ?? a.url)}</strong></a>` +
      (a.publishedAt ? ` <small>${escapeHtml(a.publishedAt.slice(0, 10))}</small>` : "") +
      (tags ? `<br><em>${escapeHtml(tags)}</em>` : "") +
      (a.snippet ? `<br>${escapeHtml(a.snippet)}` : "") + "</li>";
  }).join("\n");
  const html = `<!doctype html><html><body>
<p>RegRadar alert for <strong>${escapeHtml(m.subscription.name)}</strong></p>
<ol>
${items}
</ol>
<p><small><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></small></p>
</body></html>`;
  const text = `${renderText(m)}\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`;
  return { subject: subjectOf(m), text, html, unsubscribeUrl };
}

export interface EmailSender {
  send(to: string, m: AlertMessage): Promise<void>;
  close(): void;
}

// SMTP reply codes 4xx are temporary by definition; 5xx are not (mailbox unknown, relay denied).
function classifySmtpError(err: unknown): never {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const code = e.responseCode;
  const permanent = code !== undefined ? code >= 500 : e.code === "EENVELOPE" || e.code === "EMESSAGE";
  throw new DeliveryFailure(`email: ${code ? `SMTP ${code}: ` : e.code ? `${e.code}: ` : ""}${(e.message ?? String(err)).split("\n")[0]}`, permanent);
}

/** One SMTP transport (pooled connections) per process, from SMTP_URL. */
export function createEmailSender(cfg: EmailConfig): EmailSender {
  let transport: Transporter | null = null;
  return {
    async send(to, m) {
      if (!cfg.smtpUrl) throw new DeliveryFailure("email: SMTP_URL is not configured", true);
      transport ??= nodemailer.createTransport(cfg.smtpUrl);
      const mail = renderEmail(m, cfg.publicUrl, cfg.linkSecret);
      try {
        await transport.sendMail({
          from: cfg.from, to, subject: mail.subject, text: mail.text, html: mail.html,
          // RFC 8058 one-click: mail clients POST to the List-Unsubscribe URL.
          headers: { "X-RegRadar-Delivery": m.deliveryId, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
          list: { unsubscribe: mail.unsubscribeUrl },
        });
      } catch (err) {
        classifySmtpError(err);
      }
    },
    close() {
      transport?.close();
      transport = null;
    },
  };
}
