import {
  createSubscription, getSubscription, listSubscriptions, removeSubscription, subscriptionInputSchema, SubscriptionValidationError,
  testSubscription, type SubscriptionsContext,
} from "@regradar/alerter";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { badRequest, errorSchema, notFound } from "../errors.js";
import type { ApiPorts } from "../ports.js";
import { idParams } from "../schemas.js";

const deliveries = z.object({ sent: z.number(), failed: z.number(), pending: z.number(), lastDeliveryAt: z.string().nullable(), lastStatus: z.string().nullable() });
const subscriptionSchema = z.looseObject({
  id: z.string(), name: z.string(), channel: z.string(), target: z.string(), mode: z.string(), active: z.boolean(),
  secret: z.string().nullable().describe("Shown once, on creation (webhooks sign with it); redacted afterwards"),
}).describe("Subscription");
const summarySchema = subscriptionSchema.extend({ deliveries }).describe("SubscriptionSummary");

/** Contract 5 over HTTP: the same operations as `regradar subscriptions` (services/alerter subscriptions-api). */
export const subscriptionRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts; queuePrefix: string }> = async (app, { ports, queuePrefix: prefix }) => {
  const ctx: SubscriptionsContext = { subscriptions: ports.subscriptions, redis: ports.redis, prefix };

  app.get("/api/subscriptions", {
    config: { access: "read" },
    schema: { summary: "Subscriptions with their delivery counts", tags: ["alerts"], response: { 200: z.object({ subscriptions: z.array(summarySchema) }) } },
  }, async () => ({ subscriptions: (await listSubscriptions(ctx)).map((s) => ({ ...s })) }));

  app.post("/api/subscriptions", {
    config: { access: "write" },
    schema: {
      summary: "Create a subscription", tags: ["alerts"], body: subscriptionInputSchema,
      response: { 201: subscriptionSchema, 400: errorSchema },
    },
  }, async (request, reply) => {
    try {
      const created = await createSubscription(ctx, request.body);
      request.log.info({ subscriptionId: created.id, channel: created.channel }, "subscription created");
      return reply.code(201).send({ ...created });
    } catch (err) {
      if (err instanceof SubscriptionValidationError) throw badRequest(err.problems.join("; "));
      throw err;
    }
  });

  app.get("/api/subscriptions/:id", {
    config: { access: "read" },
    schema: { summary: "One subscription", tags: ["alerts"], params: idParams, response: { 200: summarySchema, 404: errorSchema } },
  }, async (request) => {
    const sub = await getSubscription(ctx, request.params.id);
    if (!sub) throw notFound(`no subscription ${request.params.id}`);
    return { ...sub };
  });

  app.delete("/api/subscriptions/:id", {
    config: { access: "write" },
    schema: { summary: "Remove a subscription", tags: ["alerts"], params: idParams, response: { 200: z.object({ removed: z.string() }), 404: errorSchema } },
  }, async (request) => {
    if (!(await removeSubscription(ctx, request.params.id))) throw notFound(`no subscription ${request.params.id}`);
    return { removed: request.params.id };
  });

  app.post("/api/subscriptions/:id/test", {
    config: { access: "write" },
    schema: {
      summary: "Send a sample alert through the subscription's channel", tags: ["alerts"], params: idParams,
      response: { 200: z.object({ ok: z.boolean(), subscriptionId: z.string(), channel: z.string(), deliveryId: z.string(), error: z.string().nullable() }), 404: errorSchema },
    },
  }, async (request) => (await testSubscription({ ...ctx, send: ports.send, now: ports.now }, request.params.id)) ?? Promise.reject(notFound(`no subscription ${request.params.id}`)));
};
