import { getSubscription, updateSubscription, verifyUnsubscribeToken } from "@regradar/alerter";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiPorts } from "../ports.js";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · RegRadar</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d2430}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #8a2b2b;background:#a33;color:#fff;cursor:pointer}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;

const tokenParams = z.object({ token: z.string().min(3).max(300) });

/**
 * The link in alert e-mails (services/alerter unsubscribe-link.ts signs it). GET shows a confirmation
 * and POST unsubscribes: mail scanners fetch links, and must not switch alerts off by doing so;
 * POST is also RFC 8058's one-click (List-Unsubscribe-Post). Unsubscribing deactivates, keeping history.
 */
export const unsubscribeRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts; queuePrefix: string }> = async (app, { ports, queuePrefix: prefix }) => {
  const ctx = { subscriptions: ports.subscriptions, redis: ports.redis, prefix };
  const subscriptionOf = async (token: string) => {
    const id = verifyUnsubscribeToken(token, ports.linkSecret);
    return id ? getSubscription(ctx, id) : null;
  };
  // The confirmation form and RFC 8058 clients post "List-Unsubscribe=One-Click" form-encoded; nothing in it matters.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, _body, done) => done(null, {}));
  const invalid = page("Link not valid", "<p>This unsubscribe link is not valid, or its subscription no longer exists.</p>");

  app.get("/unsubscribe/:token", {
    config: { access: "public" },
    schema: { summary: "Unsubscribe confirmation page (the link in alert e-mails)", tags: ["alerts"], params: tokenParams },
  }, async (request, reply) => {
    reply.type("text/html; charset=utf-8");
    const sub = await subscriptionOf(request.params.token);
    if (!sub) return reply.code(404).send(invalid);
    if (!sub.active) return page("Already unsubscribed", `<p>Alerts for <strong>${escape(sub.name)}</strong> are off.</p>`);
    return page("Unsubscribe", `<p>Stop alerts for <strong>${escape(sub.name)}</strong> (${escape(sub.channel)} to ${escape(sub.target)})?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`);
  });

  app.post("/unsubscribe/:token", {
    config: { access: "public" },
    schema: { summary: "Unsubscribe (one click)", tags: ["alerts"], params: tokenParams },
  }, async (request, reply) => {
    reply.type("text/html; charset=utf-8");
    const sub = await subscriptionOf(request.params.token);
    if (!sub) return reply.code(404).send(invalid);
    await updateSubscription(ctx, sub.id, { active: false });
    request.log.info({ subscriptionId: sub.id }, "unsubscribed by link");
    return page("Unsubscribed", `<p>You will receive no more alerts for <strong>${escape(sub.name)}</strong>.</p>`);
  });
};
