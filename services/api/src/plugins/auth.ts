import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey, ApiScope } from "@regradar/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { sendError } from "../errors.js";

/** What a route needs: `public` routes (health, the web page, unsubscribe links) need nothing. */
export type RouteAccess = ApiScope | "public";

declare module "fastify" {
  interface FastifyContextConfig { access?: RouteAccess }
  interface FastifyRequest { apiKey: ApiKey | null }
}

const RANK: Record<ApiScope, number> = { read: 1, write: 2, admin: 3 };

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The key whose secret the request carries, comparing in constant time against every key (hashing
 * first gives equal lengths; no early exit, so timing tells nothing about which key nearly matched).
 */
export function findKey(keys: ApiKey[], presented: string): ApiKey | null {
  const given = digest(presented);
  let found: ApiKey | null = null;
  for (const key of keys) if (timingSafeEqual(digest(key.secret), given) && !found) found = key;
  return found;
}

/** `Bearer <secret>` for programs; `Basic` (any user, the secret as password) so a browser can open the queue board. */
function presentedSecret(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme, value = ""] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    return decoded.slice(decoded.indexOf(":") + 1);
  }
  return null;
}

export interface AuthOptions { keys: ApiKey[]; publicRead: boolean }

/**
 * API keys (REGRADAR_API_KEYS): each route declares the scope it needs in `config.access`;
 * admin includes write includes read, and reads are open when REGRADAR_API_PUBLIC_READ is true.
 * Keys never reach the log: Fastify's request serializer logs no headers.
 */
export const authPlugin = fp<AuthOptions>(async (app: FastifyInstance, opts) => {
  app.decorateRequest("apiKey", null);
  app.addHook("onRequest", async (request, reply) => {
    const secret = presentedSecret(request);
    const key = secret === null ? null : findKey(opts.keys, secret);
    request.apiKey = key;
    const access = request.routeOptions.config.access ?? "public";
    if (access === "public" || (access === "read" && opts.publicRead)) return;
    // The queue board is opened by a browser: ask it for the key.
    if (request.url.startsWith("/admin/")) reply.header("www-authenticate", 'Basic realm="RegRadar admin", charset="UTF-8"');
    if (secret !== null && !key) return sendError(reply, 401, "unauthorized", "unknown API key");
    if (!key) return sendError(reply, 401, "unauthorized", `this needs an API key with ${access} scope: Authorization: Bearer <key>`);
    if (RANK[key.scope] < RANK[access]) return sendError(reply, 403, "forbidden", `key ${key.name} has ${key.scope} scope; this needs ${access}`);
  });
}, { name: "regradar-auth" });
