/** Why a fetch failed before an HTTP response could be handed back. A closed set callers switch on. */
export type HttpFetchReason =
  | "blocked_address"
  | "dns_failure"
  | "connect_timeout"
  | "timeout"
  | "too_large"
  | "too_many_redirects"
  | "bad_url"
  | "connection_failed"
  | "bad_encoding";

const RETRYABLE_BY_DEFAULT: Record<HttpFetchReason, boolean> = {
  blocked_address: false,
  dns_failure: true,
  connect_timeout: true,
  timeout: true,
  too_large: false,
  too_many_redirects: false,
  bad_url: false,
  connection_failed: true,
  bad_encoding: false,
};

/**
 * A fetch that produced no usable response. HTTP error statuses are not errors here: the client
 * returns them and the caller decides (404 is permanent for a feed, 503 is not).
 */
export class HttpFetchError extends Error {
  override readonly name = "HttpFetchError";
  readonly reason: HttpFetchReason;
  readonly retryable: boolean;
  /** The URL being fetched when it failed (the redirect hop, not necessarily the first URL). */
  readonly url: string | undefined;

  constructor(
    reason: HttpFetchReason,
    message: string,
    opts: { url?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    this.retryable = opts.retryable ?? RETRYABLE_BY_DEFAULT[reason];
    this.url = opts.url;
  }
}

export function isHttpFetchError(err: unknown): err is HttpFetchError {
  return err instanceof HttpFetchError;
}
