import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

/** Every error the API answers with: `{"error":{"code","message"}}` (DESIGN.md contract 7). */
export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).describe("Error");

export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", what);
export const badRequest = (message: string) => new ApiError(400, "bad_request", message);

export const sendError = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).send({ error: { code, message } });

const CODES: Record<number, string> = {
  400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
  409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited",
};

/**
 * One error shape for the whole app. Anything a client sent wrong is a 4xx naming the problem;
 * only our own failures are 500, and their details stay in the log (with the request id).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) return sendError(reply, err.statusCode, err.code, err.message);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? "request";
      const message = err.validation.map((v) => `${where}${v.instancePath ? v.instancePath.replace(/\//g, ".") : ""}: ${v.message}`).join("; ");
      return sendError(reply, 400, "bad_request", message);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, CODES[status] ?? "bad_request", err.message);
    request.log.error({ err }, "request failed");
    return sendError(reply, 500, "internal", "internal error; the request id is in the server log");
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, "not_found", `no route ${request.method} ${request.url.split("?")[0]}`));
}
