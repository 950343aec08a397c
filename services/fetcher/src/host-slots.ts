import { randomUUID } from "node:crypto";
import type { RedisClient } from "@regradar/shared";

/**
 * At most one request at a time per host, with a minimum gap between requests, across every
 * fetcher process: a lease in Redis. BullMQ's open-source rate limiter is per queue, not per host.
 */
export interface HostSlots {
  /** Takes the host's slot, or says how long to wait for it. */
  acquire(host: string): Promise<{ acquired: true; release(): Promise<void> } | { acquired: false; retryInMs: number }>;
}

// Longer than any request may take (the HTTP client's total timeout), so a crashed holder frees it.
const LEASE_MS = 90_000;

// Takes the slot, or says who holds it (a request's token, or "cooldown") and for how long.
const ACQUIRE = `
if redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then return {1} end
return {0, redis.call("get", KEYS[1]) or "", redis.call("pttl", KEYS[1])}`;

const RELEASE = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then return redis.call("set", KEYS[1], "cooldown", "PX", ARGV[2]) end
  return redis.call("del", KEYS[1])
end
return 0`;

export function redisHostSlots(redis: RedisClient, prefix: string, minDelayMs: number): HostSlots {
  // Defined on the client, so each call sends the script's SHA (EVALSHA), not its text.
  redis.defineCommand("regradarHostAcquire", { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand("regradarHostRelease", { numberOfKeys: 1, lua: RELEASE });
  const call = redis as unknown as Record<"regradarHostAcquire" | "regradarHostRelease", (...a: string[]) => Promise<unknown>>;
  return {
    async acquire(host) {
      const key = `${prefix}:host:${host.toLowerCase()}`;
      const token = randomUUID();
      const [acquired, holder, ttl] = await call.regradarHostAcquire(key, token, String(LEASE_MS)) as [number, string?, number?];
      if (!acquired) {
        // A cooldown ends at a known time; a request in flight usually ends within a fraction of a second.
        const wait = holder === "cooldown" && ttl! > 0 ? ttl! : 100 + Math.random() * 200;
        return { acquired: false, retryInMs: Math.round(Math.max(50, wait)) };
      }
      return {
        acquired: true,
        // Released into a cooldown of minDelayMs: the next request to this host waits that long.
        release: async () => { await call.regradarHostRelease(key, token, String(minDelayMs)); },
      };
    },
  };
}
