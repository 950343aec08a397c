import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { freePort } from "./free-port.js";

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect({ host: "127.0.0.1", port });
  s.once("connect", () => { s.destroy(); resolve(true); });
  s.once("error", () => resolve(false));
});

export interface LocalRedisCluster { url: string; stop(): Promise<void> }

/**
 * A real 3-master Redis Cluster on 127.0.0.1: three `redis-server --cluster-enabled yes` joined by
 * `redis-cli --cluster create`, ready when every slot is served.
 */
export async function startRedisCluster(dir: string): Promise<LocalRedisCluster> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  for (const port of ports) {
    const nodeDir = path.join(dir, `node-${port}`);
    await mkdir(nodeDir, { recursive: true });
    children.push(spawn("redis-server", [
      "--port", String(port), "--bind", "127.0.0.1", "--dir", nodeDir, "--cluster-enabled", "yes",
      "--cluster-config-file", "nodes.conf", "--appendonly", "no", "--save", "", "--maxmemory-policy", "noeviction",
    ], { stdio: "ignore" }));
  }
  const stop = async () => {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill("SIGTERM");
    })));
  };
  const deadline = Date.now() + 15_000;
  while (!(await Promise.all(ports.map(listening))).every(Boolean)) {
    if (Date.now() > deadline) { await stop(); throw new Error("redis cluster nodes did not start"); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const create = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
  if (create.status !== 0) { await stop(); throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`); }
  while (!/cluster_state:ok/.test(spawnSync("redis-cli", ["-p", String(ports[0]), "cluster", "info"], { encoding: "utf8" }).stdout)) {
    if (Date.now() > deadline) { await stop(); throw new Error("redis cluster did not reach cluster_state:ok"); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, stop };
}
