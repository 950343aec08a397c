import type { RedisClient } from "@regradar/shared";
import { compileSubscriptions, type CompiledSubscriptions } from "./match-subscriptions.js";
import type { SubscriptionStore } from "@regradar/store";

/** Bumped by every subscription write; matchers compare it (one GET per job) with what they compiled. */
export const subscriptionsVersionKey = (prefix: string) => `${prefix}:alerter:subscriptions-version`;

export async function bumpSubscriptionsVersion(redis: RedisClient, prefix: string): Promise<number> {
  return redis.incr(subscriptionsVersionKey(prefix));
}

export interface CompiledSubscriptionsCache {
  /** The compiled active subscriptions, recompiled when the version in Redis moved. */
  get(): Promise<CompiledSubscriptions>;
}

export function compiledSubscriptionsCache(deps: { redis: RedisClient; prefix: string; subscriptions: SubscriptionStore }): CompiledSubscriptionsCache {
  let compiled: { version: string; value: CompiledSubscriptions } | null = null;
  let loading: { version: string; promise: Promise<CompiledSubscriptions> } | null = null;
  return {
    async get() {
      const version = (await deps.redis.get(subscriptionsVersionKey(deps.prefix))) ?? "0";
      if (compiled?.version === version) return compiled.value;
      // Concurrent jobs that see the same new version share one load and compilation.
      if (loading?.version !== version) {
        const promise = deps.subscriptions.listSubscriptions().then((subs) => {
          const value = compileSubscriptions(subs);
          compiled = { version, value };
          return value;
        });
        loading = { version, promise };
        promise.catch(() => { if (loading?.promise === promise) loading = null; });
      }
      return loading.promise;
    },
  };
}
