import { promises as dns } from "node:dns";
import { Agent, request, type Dispatcher } from "undici";
import { createAddressGuard } from "./address-guard.js";
import { guardedConnector, precheckHost } from "./guarded-connection.js";
import { HttpFetchError } from "./http-fetch-error.js";
import { readBody } from "./response-body.js";

/** Resolves a host name to the addresses a connection may use. The default is the system resolver. */
export type ResolveHost = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface HttpClientOptions {
  /** Hosts or CIDRs exempt from the private-address guard (REGRADAR_ALLOW_HOSTS). */
  allowHosts: string[];
  userAgent: string;
  /** TCP (+ TLS) connection establishment. */
  connectTimeoutMs?: number;
  /** From request sent to response headers received. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. */
  bodyTimeoutMs?: number;
  /** Whole exchange, all redirect hops and the body included: a slow drip cannot hold a worker. */
  totalTimeoutMs?: number;
  /** Cap on the body, enforced on the wire bytes and again on the decompressed bytes. */
  maxBodyBytes?: number;
  maxRedirects?: number;
  /** DNS port; tests inject one to play a rebinding resolver. */
  resolveHost?: ResolveHost;
}

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Sent as If-None-Match. */
  ifNoneMatch?: string;
  /** Sent as If-Modified-Since (a Date is formatted as an HTTP-date). */
  ifModifiedSince?: string | Date;
  /** Caller cancellation; an abort rejects with the signal's reason, not an HttpFetchError. */
  signal?: AbortSignal;
}

export interface HttpPostOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Final URL, after redirects. */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decompressed body (empty for 304 and friends). */
  body: Buffer;
  /** Every URL that answered with a redirect, in order: the full chain is [...redirects, url]. */
  redirects: string[];
}

export interface HttpClient {
  get(url: string, opts?: HttpGetOptions): Promise<HttpResponse>;
  post(url: string, body: string | Buffer, opts?: HttpPostOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
// Feeds and pages are small; a server that needs longer than this is treated as down.
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const ORIGIN_BOUND_HEADERS = ["authorization", "cookie", "proxy-authorization"];

const defaultResolveHost: ResolveHost = (hostname) =>
  dns.lookup(hostname, { all: true, order: "verbatim" });

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const guard = createAddressGuard(opts.allowHosts);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const totalTimeoutMs = opts.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const resolveHost = opts.resolveHost ?? defaultResolveHost;

  const agent = new Agent({
    connect: guardedConnector(guard, resolveHost, opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    headersTimeout: opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    bodyTimeout: opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  });

  const baseHeaders: Record<string, string> = {
    "user-agent": opts.userAgent,
    accept: "*/*",
    "accept-encoding": "gzip, deflate, br",
  };

  async function send(
    method: "GET" | "POST",
    rawUrl: string,
    body: string | Buffer | undefined,
    extraHeaders: Record<string, string>,
    callerSignal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    let url = parseHttpUrl(rawUrl, rawUrl);
    const timer = new AbortController();
    const timeout = setTimeout(
      () =>
        timer.abort(
          new HttpFetchError("timeout", `no complete response within ${totalTimeoutMs} ms`, { url: url.href }),
        ),
      totalTimeoutMs,
    );
    const signal = callerSignal ? AbortSignal.any([callerSignal, timer.signal]) : timer.signal;
    let headers: Record<string, string> = { ...baseHeaders, ...lowerCaseKeys(extraHeaders) };
    const redirects: string[] = [];

    try {
      for (;;) {
        precheckHost(guard, url);
        const res = await request(url, { dispatcher: agent, method, headers, body, signal });

        const location = res.headers["location"];
        if (REDIRECT_STATUSES.has(res.statusCode) && typeof location === "string") {
          await res.body.dump();
          if (redirects.length >= maxRedirects) {
            throw new HttpFetchError("too_many_redirects", `more than ${maxRedirects} redirects`, {
              url: url.href,
            });
          }
          const next = parseHttpUrl(location, url.href, url);
          redirects.push(url.href);
          if (next.origin !== url.origin) headers = withoutKeys(headers, ORIGIN_BOUND_HEADERS);
          // 307/308 repeat the request as is; the others turn a POST into a body-less GET.
          if (method !== "GET" && res.statusCode !== 307 && res.statusCode !== 308) {
            method = "GET";
            body = undefined;
            headers = withoutKeys(headers, ["content-type", "content-length"]);
          }
          url = next;
          continue;
        }

        const decoded = await readBody(res, maxBodyBytes, url.href);
        return {
          status: res.statusCode,
          url: url.href,
          headers: flattenHeaders(res.headers),
          body: decoded,
          redirects,
        };
      }
    } catch (err) {
      if (timer.signal.aborted) throw timer.signal.reason;
      if (callerSignal?.aborted) throw callerSignal.reason;
      throw toFetchError(err, url.href);
    } finally {
      clearTimeout(timeout);
    }
  }

  return {
    get(url, getOpts = {}) {
      const headers: Record<string, string> = { ...getOpts.headers };
      if (getOpts.ifNoneMatch !== undefined) headers["if-none-match"] = getOpts.ifNoneMatch;
      if (getOpts.ifModifiedSince !== undefined) {
        headers["if-modified-since"] =
          getOpts.ifModifiedSince instanceof Date ? getOpts.ifModifiedSince.toUTCString() : getOpts.ifModifiedSince;
      }
      return send("GET", url, undefined, headers, getOpts.signal);
    },
    post(url, body, postOpts = {}) {
      return send("POST", url, body, postOpts.headers ?? {}, postOpts.signal);
    },
    close() {
      return agent.close();
    },
  };
}

function parseHttpUrl(value: string, forUrl: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new HttpFetchError("bad_url", `not a valid URL: ${value}`, { url: forUrl });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpFetchError("bad_url", `unsupported scheme ${url.protocol} in ${url.href}`, { url: forUrl });
  }
  return url;
}

function toFetchError(err: unknown, url: string): unknown {
  if (err instanceof HttpFetchError) return err;
  for (let cause = (err as Error | undefined)?.cause; cause; cause = (cause as Error).cause) {
    if (cause instanceof HttpFetchError) return cause;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? "";
  const message = (err as Error | undefined)?.message ?? String(err);
  const wrap = (reason: ConstructorParameters<typeof HttpFetchError>[0], retryable?: boolean) =>
    new HttpFetchError(reason, `${url}: ${message}`, { url, cause: err, retryable });
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return wrap("connect_timeout");
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return wrap("timeout");
    case "UND_ERR_HEADERS_OVERFLOW":
      return wrap("too_large");
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return wrap("dns_failure");
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "EPIPE":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
    case "ECONNABORTED":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
      return wrap("connection_failed");
    default:
      break;
  }
  if (code.startsWith("HPE_")) return wrap("connection_failed"); // unparseable HTTP from the server
  // Certificate problems do not fix themselves on retry.
  if (code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_") || /CERT|SELF_SIGNED/.test(code)) {
    return wrap("connection_failed", false);
  }
  return err; // not a network failure: a bug to surface, not to retry
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutKeys(headers: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.includes(k)));
}
