import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Decides whether RegRadar may open a connection to an address. Feeds, article pages and alert
 * webhooks are all URLs chosen by someone else, so without this guard any of them could make the
 * workers talk to the cloud metadata service, Redis, Elasticsearch or the LAN (SSRF).
 *
 * Deny by default: only globally routable unicast addresses pass, unless the operator allow-lists
 * the host name or an address range (REGRADAR_ALLOW_HOSTS, e.g. "127.0.0.1" for the demo and tests).
 */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export interface AddressGuard {
  /** Checks a host name alone (before any DNS lookup): refuses cloud metadata names. */
  checkHost(host: string): AddressVerdict;
  /** Checks the address about to be (or just) connected to, reached through `host`. */
  checkAddress(ip: string, host: string): AddressVerdict;
}

const ALLOWED: AddressVerdict = { allowed: true };

// Names that resolve to the instance metadata service on the big clouds.
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.internal",
  "instance-data",
  "instance-data.ec2.internal",
]);

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Parsed, number];

export function createAddressGuard(allowList: string[]): AddressGuard {
  const allowedHosts = new Set<string>();
  const allowedRanges: Cidr[] = [];
  for (const raw of allowList) {
    const entry = raw.trim();
    if (entry === "") continue;
    const range = parseAllowRange(entry);
    if (range) allowedRanges.push(range);
    else allowedHosts.add(normaliseHost(entry));
  }

  const hostAllowListed = (host: string) => allowedHosts.has(normaliseHost(host));

  function checkHost(host: string): AddressVerdict {
    const name = normaliseHost(host);
    if (hostAllowListed(name)) return ALLOWED;
    if (METADATA_HOSTS.has(name)) return { allowed: false, reason: "metadata_host" };
    return ALLOWED;
  }

  function checkAddress(ip: string, host: string): AddressVerdict {
    if (hostAllowListed(host)) return ALLOWED;
    const hostVerdict = checkHost(host);
    if (!hostVerdict.allowed) return hostVerdict;

    let addr: Parsed;
    try {
      addr = ipaddr.parse(stripBrackets(ip));
    } catch {
      return { allowed: false, reason: "invalid_address" };
    }
    if (allowedRanges.some((cidr) => inRange(addr, cidr))) return ALLOWED;

    // An IPv4 address wrapped in IPv6 (::ffff:a.b.c.d, NAT64, 6to4, ::a.b.c.d) reaches the IPv4
    // host, so it is judged as that host; the allow-list gets a second look at the inner address.
    const inner = embeddedIPv4(addr);
    if (inner) {
      if (allowedRanges.some((cidr) => inRange(inner, cidr))) return ALLOWED;
      return classify(inner);
    }
    return classify(addr);
  }

  return { checkHost, checkAddress };
}

/**
 * Checks a URL's host before anything is sent there (a subscription's webhook at `add` time), by
 * name and by every address it resolves to now. A name that does not resolve passes: the check at
 * connection time still applies, and an offline `add` must not fail on DNS.
 */
export async function checkUrlHost(guard: AddressGuard, url: string): Promise<AddressVerdict & { host: string }> {
  const host = stripBrackets(new URL(url).hostname);
  const byName = isIP(host) ? guard.checkAddress(host, host) : guard.checkHost(host);
  if (!byName.allowed || isIP(host)) return { ...byName, host };
  const addresses = await lookup(host, { all: true }).catch(() => []);
  for (const { address } of addresses) {
    const verdict = guard.checkAddress(address, host);
    if (!verdict.allowed) return { ...verdict, host };
  }
  return { allowed: true, host };
}

function classify(addr: Parsed): AddressVerdict {
  const range = addr.range();
  if (range !== "unicast") return { allowed: false, reason: range };
  // Global unicast IPv6 is 2000::/3; everything else is unassigned or special.
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).parts[0]! >>> 13 !== 0b001) {
    return { allowed: false, reason: "reserved" };
  }
  return ALLOWED;
}

function embeddedIPv4(addr: Parsed): ipaddr.IPv4 | null {
  if (addr.kind() !== "ipv6") return null;
  const v6 = addr as ipaddr.IPv6;
  const p = v6.parts;
  const fromWords = (hi: number, lo: number) =>
    new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (v6.range()) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
      return fromWords(p[6]!, p[7]!);
    case "rfc6052": // 64:ff9b::a.b.c.d (NAT64)
      return p[1] === 0xff9b && p[2] === 0 ? fromWords(p[6]!, p[7]!) : null;
    case "6to4": // 2002:aabb:ccdd::
      return fromWords(p[1]!, p[2]!);
    default:
      break;
  }
  // Deprecated IPv4-compatible form ::a.b.c.d (but not :: or ::1, which classify handles).
  if (p.slice(0, 6).every((w) => w === 0) && (p[6] !== 0 || p[7]! > 1)) {
    return fromWords(p[6]!, p[7]!);
  }
  return null;
}

function inRange(addr: Parsed, [base, bits]: Cidr): boolean {
  if (addr.kind() !== base.kind()) return false;
  return addr.match(base, bits);
}

function parseAllowRange(entry: string): Cidr | null {
  if (entry.includes("/")) {
    try {
      return ipaddr.parseCIDR(entry);
    } catch {
      throw new Error(`invalid CIDR in allow-list: ${entry}`);
    }
  }
  const bare = stripBrackets(entry);
  if (ipaddr.isValid(bare)) {
    const addr = ipaddr.parse(bare);
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  }
  return null;
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function normaliseHost(host: string): string {
  return stripBrackets(host.trim().toLowerCase()).replace(/\.$/, "");
}
