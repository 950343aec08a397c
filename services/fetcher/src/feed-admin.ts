import type { QueueHandle } from "@regradar/shared";
import { FeedRegistryError, feedIdFor, feedSpecSchema, loadFeeds, parseOpml, saveFeeds, type FeedSpec } from "./feed-registry.js";
import type { FeedState, FeedStateStore } from "./feed-state.js";
import { syncSchedules } from "./schedules.js";

/**
 * The operator's feed operations, shared by `regradar feeds` and the HTTP API: the registry file is
 * the truth; Redis (schedules, health) is optional, so editing the registry works with Redis down.
 */
export interface FeedAdminContext {
  feedsFile: string;
  /** Absent when Redis is not reachable: edits still land in the registry, schedules follow later. */
  redis?: { feeds: QueueHandle<"feeds">; state: FeedStateStore };
}

export class FeedAdminError extends Error {
  constructor(message: string, readonly code: "invalid" | "conflict" | "not_found") {
    super(message);
    this.name = "FeedAdminError";
  }
}

/** A feed's standing in one word: "degraded" = polled, but with problems the last poll recorded (feed-health.ts). */
export type FeedStanding = "ok" | "degraded" | "failing" | "deferred" | "never_polled" | "unknown";

export interface FeedWithHealth extends FeedSpec {
  health: FeedStanding;
  state: FeedState | null;
}

/** One word for a feed's state, as the status page and `feeds list` group them. */
export function feedHealthOf(state: FeedState | null, now: Date): FeedStanding {
  if (!state) return "unknown";
  if (state.nextPollNotBefore && Date.parse(state.nextPollNotBefore) > now.getTime()) return "deferred";
  if (state.lastError && (!state.lastSuccessAt || (state.lastErrorAt ?? "") > state.lastSuccessAt)) return "failing";
  if (!state.lastSuccessAt) return "never_polled";
  return state.health === "degraded" || state.health === "failing" ? state.health : "ok";
}

export async function listFeedsWithHealth(ctx: FeedAdminContext, now = new Date()): Promise<FeedWithHealth[]> {
  const registry = await loadFeeds(ctx.feedsFile);
  const states = ctx.redis ? await Promise.all(registry.map((f) => ctx.redis!.state.get(f.id))) : registry.map(() => null);
  return registry.map((f, i) => ({ ...f, health: feedHealthOf(states[i]!, now), state: states[i]! }));
}

async function resync(ctx: FeedAdminContext, feeds: FeedSpec[]): Promise<boolean> {
  if (!ctx.redis) return false;
  await syncSchedules(ctx.redis.feeds, ctx.redis.state, feeds);
  return true;
}

const problems = (issues: Array<{ path: PropertyKey[]; message: string }>) => issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

export async function addFeed(ctx: FeedAdminContext, input: { url?: string; id?: string; title?: string; interval?: number | string; tags?: string[] }): Promise<{ added: FeedSpec; scheduled: boolean }> {
  // add and import create the registry; every other command needs it to exist.
  const registry = await loadFeeds(ctx.feedsFile, { missingOk: true });
  if (!input.url) throw new FeedAdminError("url is required", "invalid");
  const parsed = feedSpecSchema.safeParse({
    id: input.id ?? feedIdFor(input.title ?? input.url, new Set(registry.map((f) => f.id))),
    url: input.url, title: input.title, interval: input.interval ?? 900, tags: input.tags ?? [],
  });
  if (!parsed.success) throw new FeedAdminError(problems(parsed.error.issues), "invalid");
  if (registry.some((f) => f.id === parsed.data.id)) throw new FeedAdminError(`a feed with id ${parsed.data.id} exists`, "conflict");
  if (registry.some((f) => f.url === parsed.data.url)) throw new FeedAdminError(`${parsed.data.url} is already registered`, "conflict");
  const next = [...registry, parsed.data];
  await saveFeeds(ctx.feedsFile, next);
  return { added: parsed.data, scheduled: await resync(ctx, next) };
}

export async function removeFeed(ctx: FeedAdminContext, id: string): Promise<{ removed: string; scheduled: boolean }> {
  const registry = await loadFeeds(ctx.feedsFile);
  if (!registry.some((f) => f.id === id)) throw new FeedAdminError(`no feed with id ${id}`, "not_found");
  const next = registry.filter((f) => f.id !== id);
  await saveFeeds(ctx.feedsFile, next);
  return { removed: id, scheduled: await resync(ctx, next) };
}

export async function importOpml(ctx: FeedAdminContext, xml: string): Promise<{ added: number; skipped: Array<{ url: string; reason: string }>; scheduled: boolean }> {
  const registry = await loadFeeds(ctx.feedsFile, { missingOk: true });
  const taken = new Set(registry.map((f) => f.id));
  const known = new Set(registry.map((f) => f.url));
  const added: FeedSpec[] = [];
  const skipped: Array<{ url: string; reason: string }> = [];
  let outlines: ReturnType<typeof parseOpml>;
  try {
    outlines = parseOpml(xml);
  } catch (err) {
    // Not OPML is bad input from the caller, not a broken registry.
    if (err instanceof FeedRegistryError) throw new FeedAdminError(err.message, "invalid");
    throw err;
  }
  for (const o of outlines) {
    if (known.has(o.url)) { skipped.push({ url: o.url, reason: "already registered" }); continue; }
    const parsed = feedSpecSchema.safeParse({ id: feedIdFor(o.title ?? o.url, taken), url: o.url, title: o.title, tags: o.tags });
    if (!parsed.success) { skipped.push({ url: o.url, reason: parsed.error.issues[0]!.message }); continue; }
    taken.add(parsed.data.id); known.add(o.url); added.push(parsed.data);
  }
  const next = [...registry, ...added];
  await saveFeeds(ctx.feedsFile, next);
  return { added: added.length, skipped, scheduled: await resync(ctx, next) };
}

/**
 * Polls a feed now: clears a deferral (Retry-After, failure backoff) the operator chose to override,
 * then enqueues a one-off poll job beside the feed's schedule.
 */
export async function pollFeedNow(ctx: Required<FeedAdminContext>, id: string, now = new Date()): Promise<{ feedId: string; jobId: string }> {
  const registry = await loadFeeds(ctx.feedsFile);
  if (!registry.some((f) => f.id === id)) throw new FeedAdminError(`no feed with id ${id}`, "not_found");
  await ctx.redis.state.update(id, { nextPollNotBefore: null });
  const jobId = `poll-now-${id}-${now.getTime()}`;
  await ctx.redis.feeds.enqueue({ name: "poll", data: { feedId: id }, jobId });
  return { feedId: id, jobId };
}
