import { searchParamsSchema, SearchParamsError, toSearchQuery } from "@regradar/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { badRequest, errorSchema } from "../errors.js";
import type { ApiPorts } from "../ports.js";
import { searchResultSchema } from "../schemas.js";

/** GET /api/search: the CLI's search (same parameters schema, same store call, same JSON). */
export const searchRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts }> = async (app, { ports }) => {
  app.get("/api/search", {
    config: { access: "read" },
    schema: {
      summary: "Search articles", tags: ["search"],
      description: "The same JSON as `regradar search --json` for the same query: hits with highlights, total, facets, histogram.",
      querystring: searchParamsSchema,
      response: { 200: searchResultSchema, 400: errorSchema },
    },
  }, async (request) => {
    try {
      return await ports.articles.search(toSearchQuery(request.query, ports.now?.()));
    } catch (err) {
      if (err instanceof SearchParamsError) throw badRequest(err.message);
      throw err;
    }
  });
};
