import { register } from "prom-client";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorSchema, sendError } from "../errors.js";
import type { ApiPorts } from "../ports.js";
import { collectStatus } from "../status/collect-status.js";

/** Operators' routes: the status of `regradar status`, probes for orchestrators, Prometheus metrics. */
export const statusRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts; feedsFile: string; queuePrefix: string; elasticsearch: boolean }> = async (app, opts) => {
  const { ports } = opts;
  app.get("/api/status", {
    config: { access: "read" },
    schema: {
      summary: "Pipeline status: the JSON of `regradar status --json`", tags: ["operations"],
      response: { 200: z.looseObject({ healthy: z.boolean(), problems: z.array(z.string()), warnings: z.array(z.string()) }).describe("Status") },
    },
  }, async () => ({ ...await collectStatus({ redis: ports.redis, queues: ports.queues, articles: ports.articles, feedsFile: opts.feedsFile, prefix: opts.queuePrefix, elasticsearch: opts.elasticsearch, now: ports.now }) }));

  app.get("/healthz", {
    config: { access: "public" },
    schema: { summary: "The process is up", tags: ["operations"], response: { 200: z.object({ status: z.literal("ok") }) } },
  }, async () => ({ status: "ok" as const }));

  app.get("/readyz", {
    config: { access: "public" },
    schema: { summary: "Redis and the store answer", tags: ["operations"], response: { 200: z.object({ status: z.literal("ready") }), 503: errorSchema } },
  }, async (_request, reply) => {
    const failed: string[] = [];
    await Promise.all([
      ports.redis.ping().catch((e: Error) => failed.push(`redis: ${e.message}`)),
      ports.articles.count().catch((e: Error) => failed.push(`${ports.articles.kind}: ${e.message}`)),
    ]);
    if (failed.length) return sendError(reply, 503, "not_ready", failed.join("; "));
    return { status: "ready" as const };
  });

  app.get("/metrics", {
    config: { access: "read" },
    schema: { summary: "Prometheus metrics (the process's default registry)", tags: ["operations"] },
  }, async (_request, reply) => reply.type(register.contentType).send(await register.metrics()));
};
