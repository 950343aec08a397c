import { createHmac, timingSafeEqual } from "node:crypto";
import type { HttpClient } from "@regradar/shared";
import type { AlertMessage } from "../alert-message.js";
import { classifyFetchError, classifyHttpStatus, hidingUrl } from "./delivery-failure.js";

/** The JSON body of DESIGN.md contract 6, exactly: no other fields. */
export function webhookBody(m: AlertMessage): string {
  return JSON.stringify({
    subscription: { id: m.subscription.id, name: m.subscription.name },
    articles: m.articles.map((a) => ({
      id: a.id, title: a.title, url: a.url, publishedAt: a.publishedAt, jurisdictions: a.jurisdictions, authorities: a.authorities,
      actions: a.actions, entities: a.entities, score: a.score, snippet: a.snippet,
    })),
    sentAt: m.sentAt,
  });
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex")}`;
}

/**
 * For receivers: true when `signature` is the HMAC of this timestamp and body and the
 * timestamp lies within `toleranceSeconds` of `now` (so a captured request cannot be replayed later).
 */
export function verifyWebhookSignature(
  secret: string, timestamp: string | number, rawBody: string | Buffer, signature: string, now: Date = new Date(), toleranceSeconds = 300,
): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || !/^\d+$/.test(String(timestamp).trim())) return false;
  if (Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function webhookHeaders(m: AlertMessage, secret: string | null, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "content-type": "application/json",
    "x-regradar-delivery": m.deliveryId,
    "x-regradar-timestamp": String(timestamp),
    ...(secret ? { "x-regradar-signature": signWebhook(secret, timestamp, body) } : {}),
  };
}

export async function sendWebhook(http: HttpClient, target: string, secret: string | null, m: AlertMessage, now: Date): Promise<void> {
  const body = webhookBody(m);
  let status: number;
  try {
    status = (await http.post(target, body, { headers: webhookHeaders(m, secret, body, now) })).status;
  } catch (err) {
    classifyFetchError(err, "webhook", hidingUrl(target));
  }
  classifyHttpStatus(status, "webhook receiver");
}
