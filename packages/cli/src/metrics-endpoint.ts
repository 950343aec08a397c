import { createRedisConnection, openQueues, startMetricsServer, type Config, type Logger } from "@regradar/shared";

/**
 * The process's /metrics (REGRADAR_METRICS_PORT), with queue depths read through a connection of
 * its own: a worker-role one, so a Redis outage does not take the endpoint down with it.
 */
export async function serveMetrics(config: Config, port: number, log: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const redis = createRedisConnection(config.redisUrl!, "worker", log);
  const queues = openQueues(redis, config.queuePrefix);
  const server = await startMetricsServer({ port, log, queues }).catch(async (err: unknown) => {
    await queues.close();
    redis.disconnect();
    throw err;
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await queues.close();
      redis.disconnect();
    },
  };
}
