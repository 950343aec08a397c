import { parseArgs } from "node:util";
import { checkUrlHost, createAddressGuard, loadConfig, openHttpClient, type Config } from "@regradar/shared";
import {
  createSubscription, linkSecretOf, listSubscriptions, openChannels, removeSubscription, SubscriptionValidationError, testSubscription,
  type SubscriptionsContext, type SubscriptionSummary,
} from "@regradar/alerter";
import { openStores } from "@regradar/store";
import { CliError, printJson } from "../cli-error.js";
import { withRedis } from "../redis-context.js";

/** The flags of `subscriptions add` as the input of createSubscription (validation happens there). */
export function subscriptionInputFromArgs(argv: string[]): { input: Record<string, unknown>; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      name: { type: "string" }, owner: { type: "string" }, channel: { type: "string" }, target: { type: "string" }, secret: { type: "string" },
      query: { type: "string" }, jurisdiction: { type: "string", multiple: true }, action: { type: "string", multiple: true },
      entity: { type: "string", multiple: true }, authority: { type: "string", multiple: true }, source: { type: "string", multiple: true },
      lang: { type: "string", multiple: true }, "min-score": { type: "string" }, mode: { type: "string" }, every: { type: "string" },
      tz: { type: "string" }, json: { type: "boolean" },
    },
  });
  if (positionals.length) throw new CliError(`subscriptions add: unexpected argument ${JSON.stringify(positionals[0])}`);
  let minScore: number | undefined;
  if (values["min-score"] !== undefined) {
    minScore = Number(values["min-score"]);
    if (!Number.isFinite(minScore)) throw new CliError(`--min-score: expected a number, got ${JSON.stringify(values["min-score"])}`);
  }
  if (values.tz !== undefined && !isTimeZone(values.tz)) throw new CliError(`--tz: expected an IANA time zone such as UTC or Europe/Berlin, got ${JSON.stringify(values.tz)}`);
  // Explicit, not a silent hourly default: the window is what a digest subscriber chooses.
  if (values.mode === "digest" && values.every === undefined) throw new CliError("--every: a digest needs its window, e.g. --every 1h, --every 15m or --every daily@08:00");
  const input = {
    name: values.name, owner: values.owner, channel: values.channel, target: values.target, secret: values.secret, query: values.query,
    jurisdictions: values.jurisdiction, actions: values.action, entities: values.entity, authorities: values.authority,
    sources: values.source, languages: values.lang, minScore, mode: values.mode, every: values.every, timezone: values.tz,
  };
  return { input: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), json: Boolean(values.json) };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A webhook or Slack target the delivery guard would refuse (a private, loopback or metadata
 * address) is refused now, with the way to allow it, instead of failing every delivery later.
 */
async function checkTarget(config: Config, input: Record<string, unknown>): Promise<void> {
  if ((input.channel !== "webhook" && input.channel !== "slack") || typeof input.target !== "string" || !URL.canParse(input.target)) return;
  const verdict = await checkUrlHost(createAddressGuard(config.allowHosts), input.target);
  if (!verdict.allowed) {
    throw new CliError(`--target: ${verdict.host} is a ${verdict.reason} address, where alerts are not sent; to allow it, add ${verdict.host} to REGRADAR_ALLOW_HOSTS`);
  }
}

function describe(s: SubscriptionSummary): string {
  const f = s.filters;
  const filters = [
    s.query ? `query "${s.query}"` : "", f.jurisdictions.length ? `jurisdiction ${f.jurisdictions.join("|")}` : "",
    f.actions.length ? `action ${f.actions.join("|")}` : "", f.entities.length ? `entity ${f.entities.join("|")}` : "",
    f.authorities.length ? `authority ${f.authorities.join("|")}` : "", f.sources.length ? `source ${f.sources.join("|")}` : "",
    f.languages.length ? `lang ${f.languages.join("|")}` : "", f.minScore !== null ? `score >= ${f.minScore}` : "",
  ].filter(Boolean).join(", ") || "everything";
  const d = s.deliveries;
  const last = d.lastDeliveryAt ? `last ${d.lastStatus} ${d.lastDeliveryAt}` : "no deliveries yet";
  return `${s.id}  ${s.name}${s.active ? "" : " (inactive)"}\n  ${s.channel} -> ${s.target}, ${s.mode === "digest" ? `digest every ${s.every} (${s.timezone})` : "instant"}\n` +
    `  matches: ${filters}\n  deliveries: ${d.sent} sent, ${d.failed} failed, ${d.pending} pending; ${last}`;
}

/** The subscription store beside the configured index, with Redis for the matchers' cache version. */
async function withSubscriptions<T>(fn: (ctx: SubscriptionsContext, config: Config) => Promise<T>): Promise<T> {
  return withRedis(loadConfig(), async ({ config, redis }) => {
    const stores = await openStores(config, { subscriptions: true });
    try {
      return await fn({ subscriptions: stores.subscriptions, redis, prefix: config.queuePrefix }, config);
    } finally {
      await stores.close();
    }
  });
}

/** regradar subscriptions add|list|remove|test (DESIGN.md contract 5). */
export async function subscriptions(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const jsonFlag = rest.includes("--json");
  const idArg = () => {
    const id = rest.find((a) => !a.startsWith("--"));
    if (!id) throw new CliError(`subscriptions ${sub}: missing subscription id (usage: regradar subscriptions ${sub} <id>)`);
    return id;
  };
  switch (sub) {
    case "add": {
      const { input, json } = subscriptionInputFromArgs(rest);
      await checkTarget(loadConfig(), input);
      const created = await withSubscriptions(async (ctx) => {
        try {
          return await createSubscription(ctx, input);
        } catch (err) {
          if (err instanceof SubscriptionValidationError) throw new CliError(err.message);
          throw err;
        }
      });
      // The one time the webhook secret is shown: receivers need it to verify signatures.
      if (json) printJson(created);
      else process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
      return;
    }
    case "list": {
      const list = await withSubscriptions((ctx) => listSubscriptions(ctx));
      if (jsonFlag) printJson(list);
      else process.stdout.write(list.length ? `${list.map(describe).join("\n\n")}\n` : "no subscriptions\n");
      return;
    }
    case "remove": {
      const id = idArg();
      const removed = await withSubscriptions((ctx) => removeSubscription(ctx, id));
      if (!removed) throw new CliError(`no subscription ${id}`, 1);
      if (jsonFlag) printJson({ removed: id });
      else process.stdout.write(`removed ${id}\n`);
      return;
    }
    case "test": {
      const id = idArg();
      const outcome = await withSubscriptions(async (ctx, config) => {
        const http = openHttpClient(config);
        const channels = openChannels(config, http, await linkSecretOf(ctx.redis, ctx.prefix, config.alerts.linkSecret));
        try {
          return await testSubscription({ ...ctx, send: channels.send }, id);
        } finally {
          channels.close();
          await http.close();
        }
      });
      if (!outcome) throw new CliError(`no subscription ${id}`, 1);
      if (jsonFlag) printJson(outcome);
      else process.stdout.write(outcome.ok ? `test alert delivered via ${outcome.channel} (delivery ${outcome.deliveryId})\n` : "");
      if (!outcome.ok) throw new CliError(`test alert via ${outcome.channel} failed: ${outcome.error}`, 1);
      return;
    }
    default:
      throw new CliError(`unknown command: subscriptions ${sub ?? ""} (regradar subscriptions --help lists them)`);
  }
}
