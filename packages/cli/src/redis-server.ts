import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { Logger } from "@regradar/shared";

/*
 * The embedded default's redis-server launcher: development and single-machine tooling, so it
 * lives with the CLI (and the test setup), never in the services.
 */

export interface RedisEndpoint {
  url: string;
  /** Stops the private redis-server this process started, if any. */
  stop(): Promise<void>;
}

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 6379;

export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function onPath(cmd: string): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(cmd, ["--version"], { stdio: "ignore" });
    p.once("error", () => resolve(false));
    p.once("exit", (code) => resolve(code === 0));
  });
}

/** Starts redis-server in the foreground (so it dies with us) and resolves once it answers. */
export async function startRedisServer(opts: { port: number; dir: string; appendOnly: boolean }): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  await mkdir(opts.dir, { recursive: true });
  const child = spawn("redis-server", [
    "--port", String(opts.port), "--bind", DEFAULT_HOST, "--dir", opts.dir,
    "--appendonly", opts.appendOnly ? "yes" : "no", "--save", "",
    // BullMQ loses jobs if Redis evicts keys.
    "--maxmemory-policy", "noeviction",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => { stderr += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  while (!(await isListening(DEFAULT_HOST, opts.port, 200))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${stderr.trim()}`);
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error("redis-server did not start within 10 s"); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `redis://${DEFAULT_HOST}:${opts.port}`;
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Finds the Redis to use: REDIS_URL when given; otherwise 127.0.0.1:6379 when something
 * listens there; otherwise a private redis-server (append-only, data in <dataDir>/redis)
 * that lives as long as this process.
 */
export async function ensureRedis(opts: { redisUrl: string | undefined; dataDir: string; log: Logger }): Promise<RedisEndpoint> {
  if (opts.redisUrl) return { url: opts.redisUrl, stop: async () => {} };
  if (await isListening(DEFAULT_HOST, DEFAULT_PORT)) return { url: `redis://${DEFAULT_HOST}:${DEFAULT_PORT}`, stop: async () => {} };
  if (!(await onPath("redis-server"))) {
    throw new Error(
      "no Redis: REDIS_URL is unset, nothing listens on 127.0.0.1:6379 and redis-server is not on PATH. " +
      "Install it (apt-get install redis-server / brew install redis), run `docker run -p 6379:6379 redis:7`, or set REDIS_URL.",
    );
  }
  const dir = path.resolve(opts.dataDir, "redis");
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot use REGRADAR_DATA_DIR (${opts.dataDir}) for the private redis-server's data: ${err.code ?? err.message}`);
  });
  const server = await startRedisServer({ port: DEFAULT_PORT, dir, appendOnly: true });
  opts.log.info({ url: server.url, dir }, "started private redis-server");
  return { url: server.url, stop: server.stop };
}
