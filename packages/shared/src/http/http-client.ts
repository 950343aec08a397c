import { promises as dns, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pipeline as pipelineCb } from "node:stream";
import zlib from "node:zlib";
import { Agent, buildConnector, request, type Dispatcher } from "undici";
import { createAddressGuard, type AddressGuard } from "./address-guard.js";
import { metrics } from "../metrics.js";
import { HttpFetchError } from "./http-fetch-error.js";

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
        metrics().fetchedBytes.inc(decoded.length);
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

/**
 * The connector every socket goes through. The guard runs twice: in `lookup` on each resolved
 * address (so a name that resolves, or re-resolves, to a private address is never dialled), and on
 * the socket's actual peer address once connected (covering literal IPs, which skip lookup).
 */
function guardedConnector(guard: AddressGuard, resolveHost: ResolveHost, timeout: number): buildConnector.connector {
  const lookup = guardedLookup(guard, resolveHost) as LookupFunction;
  const connect = buildConnector({ timeout, lookup });
  return (options, callback) => {
    connect(options, (err, socket) => {
      if (err) return callback(err, null);
      const peer = (socket as Socket).remoteAddress;
      const verdict =
        peer === undefined
          ? ({ allowed: false, reason: "no_peer_address" } as const)
          : guard.checkAddress(peer, options.hostname);
      if (!verdict.allowed) {
        socket!.destroy();
        return callback(blockedError(options.hostname, peer ?? "?", verdict.reason), null);
      }
      callback(null, socket!);
    });
  };
}

function guardedLookup(guard: AddressGuard, resolveHost: ResolveHost) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const hostVerdict = guard.checkHost(hostname);
    if (!hostVerdict.allowed) {
      callback(blockedError(hostname, hostname, hostVerdict.reason), "");
      return;
    }
    resolveHost(hostname).then(
      (addresses) => {
        const wanted = addresses.filter((a) => !options.family || a.family === options.family);
        // Connect only to permitted addresses; a name with none left is refused outright.
        const permitted = wanted.filter((a) => guard.checkAddress(a.address, hostname).allowed);
        if (permitted.length === 0) {
          const first = wanted[0];
          const why = first ? guard.checkAddress(first.address, hostname) : null;
          const err = first
            ? blockedError(hostname, first.address, why && !why.allowed ? why.reason : "blocked")
            : new HttpFetchError("dns_failure", `no address for ${hostname}`);
          callback(err, "");
          return;
        }
        if (options.all) callback(null, permitted);
        else callback(null, permitted[0]!.address, permitted[0]!.family);
      },
      (err: NodeJS.ErrnoException) => {
        callback(
          new HttpFetchError("dns_failure", `cannot resolve ${hostname}: ${err.code ?? err.message}`, { cause: err }),
          "",
        );
      },
    );
  };
}

function precheckHost(guard: AddressGuard, url: URL): void {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const verdict = isIP(host) ? guard.checkAddress(host, host) : guard.checkHost(host);
  if (!verdict.allowed) throw blockedError(host, host, verdict.reason, url.href);
}

function blockedError(host: string, address: string, why: string, url?: string): HttpFetchError {
  // The operator's way out is named: a feed on the LAN is legitimate once someone says so.
  return new HttpFetchError("blocked_address", `refusing to connect to ${host} (${address}): ${why}; to allow it, add ${host} to REGRADAR_ALLOW_HOSTS`, { url });
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

async function readBody(res: Dispatcher.ResponseData, maxBytes: number, url: string): Promise<Buffer> {
  const tooLarge = (what: string) =>
    new HttpFetchError("too_large", `${what} exceeds the ${maxBytes}-byte limit`, { url });

  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res.body);
    throw tooLarge(`declared Content-Length ${declared}`);
  }

  let decoders: DecodeStage[];
  try {
    decoders = contentDecoders(res.headers["content-encoding"]);
  } catch (err) {
    discard(res.body);
    throw new HttpFetchError("bad_encoding", (err as Error).message, { url });
  }

  const decodeErrors = new WeakSet<Error>();
  const chunks: Buffer[] = [];
  let wireBytes = 0;
  let bodyBytes = 0;
  try {
    await pipeline(
      res.body,
      async function* countWireBytes(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          wireBytes += chunk.length;
          if (wireBytes > maxBytes) throw tooLarge("body");
          yield chunk;
        }
      },
      (source: AsyncIterable<Buffer>) => decoders.reduce((acc, stage) => stage(acc, decodeErrors), source),
      async function collect(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bodyBytes += chunk.length;
          if (bodyBytes > maxBytes) throw tooLarge("decompressed body");
          chunks.push(chunk);
        }
      },
    );
  } catch (err) {
    if (err instanceof Error && decodeErrors.has(err)) {
      throw new HttpFetchError("bad_encoding", `cannot decode body: ${err.message}`, { url, cause: err });
    }
    throw err;
  }
  return Buffer.concat(chunks, bodyBytes);
}

/** Drops a body unread; destroying it makes undici close the connection instead of reading on. */
function discard(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => {}); // the abort error destroy() emits is the intended outcome
  body.destroy();
}

type DecodeStage = (source: AsyncIterable<Buffer>, errors: WeakSet<Error>) => AsyncIterable<Buffer>;

// Lenient flushing, as browsers do: a body truncated at a block boundary still decodes.
const zlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const brotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** Decoders in the order to apply them (Content-Encoding lists codings in the order applied). */
function contentDecoders(header: string | string[] | undefined): DecodeStage[] {
  const codings = (Array.isArray(header) ? header.join(",") : header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  return codings.reverse().map((coding) => {
    switch (coding) {
      case "gzip":
      case "x-gzip":
        return decodeWith(() => zlib.createGunzip(zlibOptions));
      case "br":
        return decodeWith(() => zlib.createBrotliDecompress(brotliOptions));
      case "deflate":
        // "deflate" should be zlib-wrapped, but some servers send raw deflate: sniff the header.
        return decodeWith((first) =>
          (first[0]! & 0x0f) === 0x08 ? zlib.createInflate(zlibOptions) : zlib.createInflateRaw(zlibOptions),
        );
      default:
        throw new Error(`unsupported Content-Encoding ${coding}`);
    }
  });
}

/**
 * Runs the source through a zlib stream created once the first chunk is known. Output is pulled
 * (async iteration), so backpressure holds and a bomb never inflates faster than it is counted.
 */
function decodeWith(create: (first: Buffer) => zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress): DecodeStage {
  return async function* decode(source, errors) {
    const it = source[Symbol.asyncIterator]();
    let first = await it.next();
    while (!first.done && first.value.length === 0) first = await it.next();
    if (first.done) return; // empty body: nothing to decode
    const decoder = create(first.value);
    decoder.once("error", (err) => errors.add(err));
    const head = first.value;
    async function* input() {
      yield head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    }
    // The callback form returns the decoder; its errors surface through the iteration below.
    const output = pipelineCb(Readable.from(input()), decoder, () => {});
    for await (const chunk of output) yield chunk as Buffer;
  };
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
