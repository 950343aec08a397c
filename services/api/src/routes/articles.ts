import { NEAR_DUPLICATE_BITS } from "@regradar/shared";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorSchema, notFound } from "../errors.js";
import type { ApiPorts } from "../ports.js";
import { idParams, mentionSchema } from "../schemas.js";

const duplicateSchema = z.object({ id: z.string(), title: z.string().nullable(), url: z.string(), source: z.string(), publishedAt: z.string().nullable(), indexedAt: z.string() });

const articleSchema = z.looseObject({
  id: z.string(), url: z.string(), title: z.string().nullable(), text: z.string(), lang: z.string().nullable(),
  source: z.string(), publishedAt: z.string().nullable(), indexedAt: z.string(), duplicateOf: z.string().nullable(),
  relevant: z.boolean(), score: z.number(), jurisdictions: z.array(z.string()), authorities: z.array(z.string()), actions: z.array(z.string()),
  entities: z.array(z.object({ name: z.string(), type: z.string() })),
  mentions: z.array(mentionSchema).describe('Evidence spans; offsets index `title + "\\n\\n" + text`'),
  duplicates: z.array(duplicateSchema).describe("Near-duplicates (SimHash within a few bits), oldest first, this article excluded"),
}).describe("Article");

export const articleRoutes: FastifyPluginAsyncZod<{ ports: ApiPorts }> = async (app, { ports }) => {
  app.get("/api/articles/:id", {
    config: { access: "read" },
    schema: {
      summary: "One article with its mentions and near-duplicates", tags: ["search"],
      params: idParams,
      response: { 200: articleSchema, 404: errorSchema },
    },
  }, async (request) => {
    const [article] = await ports.articles.getArticles([request.params.id]);
    if (!article) throw notFound(`no article ${request.params.id}`);
    const near = (await ports.articles.findNearDuplicates(article.contentHash, NEAR_DUPLICATE_BITS)).filter((d) => d.id !== article.id);
    const docs = new Map((await ports.articles.getArticles(near.map((d) => d.id))).map((d) => [d.id, d]));
    const duplicates = near.flatMap((d) => {
      const doc = docs.get(d.id);
      return doc ? [{ id: d.id, title: doc.title, url: doc.url, source: doc.source, publishedAt: doc.publishedAt, indexedAt: d.indexedAt }] : [];
    });
    return { ...article, duplicates };
  });
};
