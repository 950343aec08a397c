import { isHttpFetchError } from "@regradar/shared";

/**
 * Why a channel could not deliver. `permanent`: no retry can fix it (a 4xx other than
 * 408/429, a refused address, a missing configuration); otherwise the job is retried with backoff.
 */
export class DeliveryFailure extends Error {
  override readonly name = "DeliveryFailure";
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** The one place that classifies an HTTP answer from a receiver. */
export function classifyHttpStatus(status: number, what: string): void {
  if (status >= 200 && status < 300) return;
  const transient = status === 408 || status === 429 || status >= 500;
  throw new DeliveryFailure(`${what} answered HTTP ${status}`, !transient);
}

/** Network failures: the client's own verdict (blocked addresses and bad URLs are permanent). */
export function classifyFetchError(err: unknown, what: string, redact: (s: string) => string = (s) => s): never {
  if (isHttpFetchError(err)) throw new DeliveryFailure(redact(`${what}: ${err.reason}: ${err.message}`), !err.retryable);
  throw err;
}

/**
 * Webhook and Slack URLs are credentials (Slack's path is the secret): errors that reach logs
 * and the delivery log show only the origin.
 */
export function hidingUrl(target: string): (s: string) => string {
  let origin = "";
  try { origin = new URL(target).origin; } catch { /* validated on write */ }
  return (s) => s.split(target).join(`${origin}/…`);
}
