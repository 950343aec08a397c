import { type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { buildConnector } from "undici";
import type { AddressGuard } from "./address-guard.js";
import { HttpFetchError } from "./http-fetch-error.js";
import type { ResolveHost } from "./http-client.js";

/**
 * The connector every socket goes through. The guard runs twice: in `lookup` on each resolved
 * address (so a name that resolves, or re-resolves, to a private address is never dialled), and on
 * the socket's actual peer address once connected (covering literal IPs, which skip lookup).
 */
export function guardedConnector(guard: AddressGuard, resolveHost: ResolveHost, timeout: number): buildConnector.connector {
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

export function precheckHost(guard: AddressGuard, url: URL): void {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const verdict = isIP(host) ? guard.checkAddress(host, host) : guard.checkHost(host);
  if (!verdict.allowed) throw blockedError(host, host, verdict.reason, url.href);
}

function blockedError(host: string, address: string, why: string, url?: string): HttpFetchError {
  return new HttpFetchError("blocked_address", `refusing to connect to ${host} (${address}): ${why}`, { url });
}

