import type { RedisClient } from "@regradar/shared";
import type { Channel } from "@regradar/shared";

// A token bucket per channel in one Redis hash, so every alerter process shares the limit.
// Returns 0 when a token was taken, else the milliseconds until one will be available.
const TAKE = `
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`;

export type ChannelRates = Record<Channel, number>;

/** Per-channel rate limit: `take(channel)` is 0 when the message may go now, else how long to wait. */
export interface ChannelThrottle {
  take(channel: Channel): Promise<number>;
}

export function redisChannelThrottle(redis: RedisClient, prefix: string, perSecond: ChannelRates): ChannelThrottle {
  return {
    async take(channel) {
      const rate = perSecond[channel];
      // A burst of one second's worth: short spikes pass, a flood is spread out.
      return Number(await redis.eval(TAKE, 1, `${prefix}:alerter:rate:${channel}`, rate, Math.max(1, rate)));
    },
  };
}
