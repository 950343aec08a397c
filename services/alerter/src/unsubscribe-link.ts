import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { RedisClient } from "@regradar/shared";

/**
 * Unsubscribe links carry a signed token (`<subscription id>.<HMAC>`), not a bare id: a subscription
 * id seen once (in a log, a forwarded mail) must not let anyone switch someone else's alerts off.
 */
const signatureOf = (subscriptionId: string, secret: string) =>
  createHmac("sha256", secret).update(`unsubscribe:${subscriptionId}`).digest("base64url").slice(0, 32);

export function unsubscribeToken(subscriptionId: string, secret: string): string {
  return `${subscriptionId}.${signatureOf(subscriptionId, secret)}`;
}

/** The subscription id the token was signed for, or null when it was not signed with `secret`. */
export function verifyUnsubscribeToken(token: string, secret: string): string | null {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signatureOf(id, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

export function unsubscribeUrl(publicUrl: string, subscriptionId: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/unsubscribe/${encodeURIComponent(unsubscribeToken(subscriptionId, secret))}`;
}

/**
 * The secret signing the links: REGRADAR_LINK_SECRET when set, else one generated once and kept in
 * Redis, so the alerter that writes links and the API that checks them agree with no setup.
 */
export async function linkSecretOf(redis: RedisClient, prefix: string, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const key = `${prefix}:link-secret`;
  await redis.set(key, randomBytes(32).toString("base64url"), "NX");
  const secret = await redis.get(key);
  if (!secret) throw new Error("link secret missing from Redis");
  return secret;
}
