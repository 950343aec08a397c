import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ACTIONS, CHANNELS, type Channel, type Subscription } from "@regradar/shared";
import { parseDigestEvery, type DigestSchedule } from "./digest-schedule.js";

export const MODES = ["instant", "digest"] as const;

const DEFAULT_DIGEST_EVERY = "1h";

const trimmedList = (item: z.ZodType<string>) => z.array(item).default([]);
const name = z.string().trim().min(1, "must not be empty").max(200);

/** What a caller may send when creating a subscription (CLI flags, the future HTTP API). */
export const subscriptionInputSchema = z.object({
  name,
  owner: z.string().trim().max(320).nullish(),
  query: z.string().trim().max(1000).nullish(),
  jurisdictions: trimmedList(z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "must be a 2-letter code such as CN or US")),
  authorities: trimmedList(z.string().trim().min(1)),
  actions: z.array(z.enum(ACTIONS, { error: () => `must be one of ${ACTIONS.join(", ")}` })).default([]),
  entities: trimmedList(z.string().trim().min(1)),
  sources: trimmedList(z.string().trim().toLowerCase().min(1)),
  languages: trimmedList(z.string().trim().toLowerCase().regex(/^[a-z]{2,3}(-[a-z0-9]+)?$/, "must be a language code such as en or zh")),
  minScore: z.number().finite().nullish(),
  channel: z.enum(CHANNELS, { error: () => `must be one of ${CHANNELS.join(", ")}` }),
  target: z.string().trim().min(1, "must not be empty"),
  secret: z.string().min(8, "must be at least 8 characters").max(256).nullish(),
  mode: z.enum(MODES, { error: () => "must be instant or digest" }).default("instant"),
  every: z.string().trim().nullish(),
  timezone: z.string().trim().default("UTC"),
  active: z.boolean().default(true),
});
export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;

export class SubscriptionValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid subscription: ${problems.join("; ")}`);
    this.name = "SubscriptionValidationError";
  }
}

const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
};
const EMAIL = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/;
// A numeric chat id (groups and channels are negative) or a public @channelname.
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

function targetProblem(channel: Channel, target: string): string | null {
  switch (channel) {
    case "webhook":
    case "slack":
      return isHttpUrl(target) ? null : `target: a ${channel} target must be an http(s) URL, got ${JSON.stringify(target)}`;
    case "email":
      return EMAIL.test(target) && target.length <= 320 ? null : `target: not a valid e-mail address: ${JSON.stringify(target)}`;
    case "telegram":
      return TELEGRAM_CHAT.test(target) ? null : `target: a telegram target must be a chat id (e.g. -1001234567890) or @channel, got ${JSON.stringify(target)}`;
  }
}

export const newSubscriptionId = (): string => `sub-${randomBytes(6).toString("hex")}`;
export const newWebhookSecret = (): string => randomBytes(24).toString("base64url");

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/**
 * Validates a write and returns the subscription to store. Every problem is listed, one per
 * clause, so a CLI user fixes them in one go.
 */
export function validateSubscription(input: unknown, opts: { id?: string; now?: Date; existing?: Subscription } = {}): Subscription {
  const parsed = subscriptionInputSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new SubscriptionValidationError(problems);
  }
  const v = parsed.data;
  const tp = targetProblem(v.channel, v.target);
  if (tp) problems.push(tp);
  if (v.secret && v.channel !== "webhook") problems.push("secret: only webhook subscriptions are signed");
  let every: string | null = null;
  if (v.mode === "digest") {
    const schedule = parseDigestEvery(v.every ?? DEFAULT_DIGEST_EVERY, v.timezone);
    if (typeof schedule === "string") problems.push(schedule);
    else every = schedule.spec;
  } else if (v.every) {
    problems.push("every: only digest subscriptions have a window (add --mode digest)");
  }
  if (v.query && v.query.length > 0 && v.query.split(/\s+/).every((t) => t.startsWith("-"))) {
    problems.push("query: needs at least one term that is not an exclusion");
  }
  if (problems.length) throw new SubscriptionValidationError(problems);
  const now = (opts.now ?? new Date()).toISOString();
  return {
    id: opts.id ?? opts.existing?.id ?? newSubscriptionId(),
    name: v.name,
    owner: v.owner || null,
    query: v.query || null,
    filters: {
      jurisdictions: uniq(v.jurisdictions), authorities: uniq(v.authorities), actions: uniq(v.actions),
      entities: uniq(v.entities), sources: uniq(v.sources), languages: uniq(v.languages), minScore: v.minScore ?? null,
    },
    channel: v.channel,
    target: v.target,
    secret: v.channel === "webhook" ? v.secret ?? opts.existing?.secret ?? newWebhookSecret() : null,
    mode: v.mode,
    every,
    timezone: v.timezone,
    active: v.active,
    createdAt: opts.existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/** The schedule of a stored digest subscription (validated on write, so it parses). */
export function digestScheduleOf(sub: Subscription): DigestSchedule {
  const schedule = parseDigestEvery(sub.every ?? DEFAULT_DIGEST_EVERY, sub.timezone);
  if (typeof schedule === "string") throw new Error(`subscription ${sub.id}: ${schedule}`);
  return schedule;
}

/** As shown to anyone but the creator: the webhook secret is never echoed back. */
export function redactSubscription(sub: Subscription): Subscription {
  return { ...sub, secret: sub.secret ? "[redacted]" : null };
}
