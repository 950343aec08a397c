import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyPluginAsync } from "fastify";

export const QUEUE_BOARD_PATH = "/admin/queues";

/** Bull Board for operators, every route of it behind the admin scope. */
export const queueBoardRoutes: FastifyPluginAsync<{ queues: Queue[] }> = async (app, { queues }) => {
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, access: "admin" };
    // The board's own routes are not part of the documented API.
    route.schema = { ...route.schema, hide: true };
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter, options: { uiConfig: { boardTitle: "RegRadar queues" } } });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
};
