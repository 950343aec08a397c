import type { HttpClient } from "@regradar/shared";
import { tagsOf, type AlertMessage } from "../alert-message.js";
import { classifyFetchError, classifyHttpStatus, hidingUrl } from "./delivery-failure.js";

// Slack's mrkdwn needs only these three escaped; links are <url|label>.
const mrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const MAX_BLOCKS = 48; // Slack accepts 50 blocks per message

/** A Slack-compatible incoming-webhook payload: `text` for notifications, `blocks` for display. */
export function slackPayload(m: AlertMessage): { text: string; blocks: unknown[] } {
  const head = m.kind === "digest" || m.articles.length > 1
    ? `${m.articles.length} new article${m.articles.length === 1 ? "" : "s"} for "${m.subscription.name}"`
    : `RegRadar alert for "${m.subscription.name}"`;
  const blocks: unknown[] = [{ type: "header", text: { type: "plain_text", text: head.slice(0, 150) } }];
  for (const a of m.articles.slice(0, MAX_BLOCKS - 1)) {
    const tags = tagsOf(a);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: [`*<${a.url}|${mrkdwn(a.title ?? a.url)}>*`, tags ? `_${mrkdwn(tags)}_` : "", mrkdwn(a.snippet)].filter(Boolean).join("\n").slice(0, 3000) },
    });
  }
  const text = `${head}: ${m.articles.map((a) => a.title ?? a.url).join("; ")}`.slice(0, 3000);
  return { text: mrkdwn(text), blocks };
}

export async function sendSlack(http: HttpClient, target: string, m: AlertMessage): Promise<void> {
  let status: number;
  try {
    status = (await http.post(target, JSON.stringify(slackPayload(m)), { headers: { "content-type": "application/json" } })).status;
  } catch (err) {
    classifyFetchError(err, "slack", hidingUrl(target));
  }
  classifyHttpStatus(status, "slack");
}
