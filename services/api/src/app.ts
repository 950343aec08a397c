import { randomUUID } from "node:crypto";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { installErrorHandling, sendError } from "./errors.js";
import { authPlugin } from "./plugins/auth.js";
import type { ApiPorts, ApiSettings } from "./ports.js";
import { articleRoutes } from "./routes/articles.js";
import { feedRoutes } from "./routes/feeds.js";
import { queueBoardRoutes } from "./routes/queue-board.js";
import { searchRoutes } from "./routes/search.js";
import { statusRoutes } from "./routes/status.js";
import { subscriptionRoutes } from "./routes/subscriptions.js";
import { unsubscribeRoutes } from "./routes/unsubscribe.js";
import { webAppRoutes } from "./routes/web-app.js";

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * The whole HTTP app over its ports, not listening: tests inject requests or listen on port 0,
 * main.ts listens on the configured address. One plugin per route group.
 */
export async function buildApp(ports: ApiPorts, settings: ApiSettings): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ports.log.child({ component: "api" }) as FastifyBaseLogger,
    // A caller's X-Request-Id is kept (so a trace crosses services), else one is made; every log line of the request carries it.
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    trustProxy: "loopback",
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook("onRequest", async (request, reply) => {
    if (!REQUEST_ID.test(request.id)) request.id = randomUUID();
    reply.header("x-request-id", request.id);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "RegRadar API", version: "0.1.0", description: "Search, alerts, feeds and status of the RegRadar crypto-regulation pipeline (DESIGN.md contract 7)." },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A secret from REGRADAR_API_KEYS (name:scope:secret)" } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());

  await app.register(authPlugin, { keys: settings.keys, publicRead: settings.publicRead });
  // Per key (per address without one); counters in Redis, so every API process shares them.
  await app.register(fastifyRateLimit, {
    max: settings.ratePerMinute,
    timeWindow: 60_000,
    redis: ports.redis,
    nameSpace: `${settings.queuePrefix}:api-rate:`,
    skipOnError: true,
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.name}` : `ip:${request.ip}`),
    // Thrown into the error handler, which gives it the one error shape.
    errorResponseBuilder: (_request, ctx) => Object.assign(new Error(`rate limit of ${ctx.max} requests per minute reached; retry in ${Math.ceil(ctx.ttl / 1000)} s`), { statusCode: 429 }),
  });

  await app.register(searchRoutes, { ports });
  await app.register(articleRoutes, { ports });
  await app.register(subscriptionRoutes, { ports, queuePrefix: settings.queuePrefix });
  await app.register(unsubscribeRoutes, { ports, queuePrefix: settings.queuePrefix });
  await app.register(feedRoutes, { ports, feedsFile: settings.feedsFile, queuePrefix: settings.queuePrefix });
  await app.register(statusRoutes, { ports, feedsFile: settings.feedsFile, queuePrefix: settings.queuePrefix, elasticsearch: settings.elasticsearch });
  if (ports.boardQueues) await app.register(queueBoardRoutes, { queues: ports.boardQueues });
  if (settings.webRoot) await app.register(webAppRoutes, { root: settings.webRoot });
  else app.get("/", { config: { access: "public" }, schema: { hide: true } }, (_r, reply) => sendError(reply, 404, "not_found", "the web app is not built: npm run build"));
  return app;
}
