import {
  addFeed, FeedAdminError, importOpml, listFeedsWithHealth, pollFeedNow, redisFeedStateStore, type FeedAdminContext,
  removeFeed,
} from "@regradar/fetcher";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiError, errorSchema } from "../errors.js";
import type { ApiPorts } from "../ports.js";
import { idParams } from "../schemas.js";

const STATUS = { invalid: 400, conflict: 409, not_found: 404 } as const;

async function feedAdmin<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FeedAdminError) throw new ApiError(STATUS[err.code], err.code === "invalid" ? "bad_request" : err.code, err.message);
    throw err;
  }
}

const feedSchema = z.looseObject({ id: z.string(), url: z.string(), title: z.string().optional(), interval: z.number(), tags: z.array(z.string()) });
const feedWithHealth = feedSchema.extend({
  health: z.enum(["ok", "degraded", "failing", "deferred", "never_polled", "unknown"]),
  state: z.record(z.string(), z.unknown()).nullable().describe("Conditional-GET validators, last success/error, failures, deferral"),
});

/** The feed registry (REGRADAR_FEEDS) and its schedules: the same operations as `regradar feeds`. */
export const feedRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts; feedsFile: string; queuePrefix: string }> = async (app, { ports, feedsFile, queuePrefix: prefix }) => {
  const ctx: Required<FeedAdminContext> = { feedsFile, redis: { feeds: ports.queues.feeds, state: redisFeedStateStore(ports.redis, prefix) } };
  // OPML arrives as XML; JSON bodies are Fastify's own.
  app.addContentTypeParser(["text/xml", "application/xml", "text/x-opml", "application/octet-stream"], { parseAs: "string", bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get("/api/feeds", {
    config: { access: "read" },
    schema: { summary: "Feeds with their health", tags: ["feeds"], response: { 200: z.object({ feeds: z.array(feedWithHealth) }) } },
  }, async () => ({ feeds: (await listFeedsWithHealth(ctx, ports.now?.())).map((f) => ({ ...f, state: f.state && { ...f.state } })) }));

  app.post("/api/feeds", {
    config: { access: "write" },
    schema: {
      summary: "Register a feed", tags: ["feeds"],
      body: z.object({ url: z.string(), id: z.string().optional(), title: z.string().optional(), interval: z.number().int().positive().optional(), tags: z.array(z.string()).optional() }),
      response: { 201: z.object({ added: feedSchema, scheduled: z.boolean() }), 400: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => reply.code(201).send(await feedAdmin(() => addFeed(ctx, request.body))));

  app.delete("/api/feeds/:id", {
    config: { access: "write" },
    schema: { summary: "Remove a feed", tags: ["feeds"], params: idParams, response: { 200: z.object({ removed: z.string(), scheduled: z.boolean() }), 404: errorSchema } },
  }, async (request) => feedAdmin(() => removeFeed(ctx, request.params.id)));

  app.post("/api/feeds/:id/poll", {
    config: { access: "write" },
    schema: { summary: "Poll a feed now (clears a deferral)", tags: ["feeds"], params: idParams, response: { 202: z.object({ feedId: z.string(), jobId: z.string() }), 404: errorSchema } },
  }, async (request, reply) => reply.code(202).send(await feedAdmin(() => pollFeedNow(ctx, request.params.id, ports.now?.()))));

  app.post("/api/feeds/import", {
    config: { access: "write" },
    schema: {
      summary: "Import feeds from OPML", tags: ["feeds"],
      description: "The OPML document as the body (Content-Type: text/xml), or JSON {\"opml\": \"<opml…>\"}.",
      body: z.union([z.string().min(1), z.object({ opml: z.string().min(1) })]),
      response: { 200: z.object({ added: z.number(), skipped: z.array(z.object({ url: z.string(), reason: z.string() })), scheduled: z.boolean() }), 400: errorSchema },
    },
  }, async (request) => {
    const xml = typeof request.body === "string" ? request.body : request.body.opml;
    if (!/<opml[\s>]/i.test(xml)) throw new ApiError(400, "bad_request", "body: not an OPML document");
    return feedAdmin(() => importOpml(ctx, xml));
  });
};
