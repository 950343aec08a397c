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

const RELEASE = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then return redis.call("set", KEYS[1], "cooldown", "PX", ARGV[2]) end
  return redis.call("del", KEYS[1])
end
return 0`;

export function redisHostSlots(redis: RedisClient, prefix: string, minDelayMs: number): HostSlots {
  return {
    async acquire(host) {
      const key = `${prefix}:host:${host.toLowerCase()}`;
      const token = randomUUID();
      const ok = await redis.set(key, token, "PX", LEASE_MS, "NX");
      if (!ok) {
        const [holder, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
        // A cooldown ends at a known time; a request in flight usually ends within a second or so.
        const wait = holder === "cooldown" && ttl > 0 ? ttl : 250 + Math.random() * 500;
        return { acquired: false, retryInMs: Math.round(Math.max(50, wait)) };
      }
      return {
        acquired: true,
        // Released into a cooldown of minDelayMs: the next request to this host waits that long.
        release: async () => { await redis.eval(RELEASE, 1, key, token, String(minDelayMs)); },
      };
    },
  };
}
