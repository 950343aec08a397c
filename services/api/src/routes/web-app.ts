import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

/** The web app's pages: each is the same document; the page's state lives in its URL. */
export const WEB_PAGES = ["/", "/article/:id", "/subscriptions", "/feeds", "/status"];

/** The analyst web app, built by `npm run build` into dist/web (index.html, assets/): every asset served from here, nothing from a CDN. */
export const webAppRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, access: "public" };
    route.schema = { ...route.schema, hide: true };
  });
  // Hashed file names: assets never change under a name, so browsers may keep them.
  await app.register(fastifyStatic, { root: path.join(root, "assets"), prefix: "/assets/", index: false, immutable: true, maxAge: "365d" });
  for (const page of WEB_PAGES) {
    app.get(page, (_request, reply) => reply.header("cache-control", "no-cache").sendFile("index.html", root));
  }
};
