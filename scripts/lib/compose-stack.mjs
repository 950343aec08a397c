// compose-stack.mjs — runs the compose file's project-image services from the built image, as
// `docker compose up` would, but without an engine: one buildah container per service, the image's
// entrypoint + the service's command, as the image's user, with the service's environment and volumes.
//
// Service hostnames: the stand-ins for the `redis` and `elasticsearch` services listen on their compose
// ports (6379, 9200) on 127.0.0.1, and each container's /etc/hosts maps the service names there, so the
// compose file's URLs and health-check commands run byte for byte as written (rewriting URLs would test
// a different environment from the one operators get). The caller runs this in a network namespace of
// its own (`unshare --net`), so those fixed ports never collide with anything else on the machine.
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import {
  copyOwnership, createContainer, imageConfig, removeContainer, runInContainer, spawnInContainer, withRootFs,
} from "./buildah.mjs";

// What a service logs once it serves: the stages' workers, or the API's listener.
const READY_MESSAGES = ["workers started", "web app and API listening"];
const STOP_GRACE_MS = 10_000; // `docker stop`'s default
// Node start-up in a container on a busy 2-core machine takes ~15-30 s; past this it is stuck.
const READY_TIMEOUT_MS = 180_000;
const TAIL_LINES = 20;

export class ServiceError extends Error {
  constructor(service, reason) {
    super(`${service}: ${reason}`);
    this.service = service;
    this.reason = reason;
  }
}

/**
 * Prepares what compose would create for a project: one fresh root-owned directory per named volume
 * (populated from the image at its mount point, as Docker does with an empty named volume), and the
 * containers' host mapping. Returns an object that starts services and runs one-off commands.
 */
export async function openStack({ compose, image, workDir, hosts, logDir }) {
  const config = await imageConfig(image);
  const volumesDir = path.join(workDir, "volumes");
  await fs.mkdir(volumesDir, { recursive: true });
  const volumeDirs = new Map();
  const containers = [];
  const running = new Map();
  let seq = 0;

  const newContainer = async (service) => {
    const name = await createContainer(image, `regradar-check-${process.pid}-${service}-${seq++}`, hosts);
    containers.push(name);
    return name;
  };
  // A container that never runs: its root file system is the image's, for volumes and user ids.
  const probe = await newContainer("probe");
  const user = await withRootFs(probe, (root) => userIds(root, config.user));

  const mountsOf = async (service) => {
    const mounts = [];
    for (const m of service.mounts) {
      if (m.type === "bind") { mounts.push([m.source, m.target, m.readOnly]); continue; }
      // Services start concurrently: the first to mount a volume creates it, the others wait for that.
      if (!volumeDirs.has(m.name)) volumeDirs.set(m.name, freshVolume(m.name, m.target));
      mounts.push([await volumeDirs.get(m.name), m.target, m.readOnly]);
    }
    return mounts;
  };

  const freshVolume = async (name, target) => {
    const dir = path.join(volumesDir, name);
    await fs.mkdir(dir, { mode: 0o755 });
    await withRootFs(probe, async (root) => {
      const inImage = path.join(root, target);
      if (!(await fs.stat(inImage).catch(() => null))?.isDirectory()) return;
      await fs.cp(inImage, dir, { recursive: true, preserveTimestamps: true });
      await copyOwnership(inImage, dir);
    });
    return dir;
  };

  const specFor = async (service, argv, extraEnv = {}) => ({
    user: config.user,
    env: { ...service.environment, ...extraEnv },
    mounts: await mountsOf(service),
    argv,
  });

  return {
    config,
    /** The image's user as numeric ids, e.g. to own a bind-mounted directory as an operator would. */
    user,

    /** `docker compose up <service>`: resolves with the time to ready once it logs that its workers started. */
    async start(service) {
      const container = await newContainer(service.name);
      const spec = await specFor(service, [...config.entrypoint, ...(service.command ?? config.cmd)]);
      const logFile = path.join(logDir, `${service.name}.log`);
      const log = createWriteStream(logFile);
      const started = Date.now();
      const child = spawnInContainer(container, spec);
      const tail = [];
      let ready = false;
      let onReady;
      // 'close', not 'exit': the last lines of output (often the reason) arrive before it.
      const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
      let timer;
      const readyOrExit = new Promise((resolve, reject) => {
        onReady = resolve;
        exited.then(({ code, signal }) => {
          if (!ready) reject(new ServiceError(service.name, `exited (${signal ?? `code ${code}`}) before it was ready: ${lastError(tail)}`));
        });
        timer = setTimeout(() => reject(new ServiceError(service.name, `not ready within ${READY_TIMEOUT_MS / 1000} s: ${lastError(tail)}`)), READY_TIMEOUT_MS);
      });
      const watchLines = (stream) => {
        let pending = "";
        stream.on("data", (chunk) => {
          log.write(chunk);
          pending += chunk;
          const lines = pending.split("\n");
          pending = lines.pop();
          for (const line of lines) {
            tail.push(line);
            if (tail.length > TAIL_LINES) tail.shift();
            if (!ready && READY_MESSAGES.some((m) => line.includes(`"msg":"${m}"`))) { ready = true; onReady(); }
          }
        });
      };
      watchLines(child.stdout);
      watchLines(child.stderr);
      running.set(service.name, { container, child, exited, tail, log });
      try {
        await readyOrExit;
      } finally {
        clearTimeout(timer);
      }
      return (Date.now() - started) / 1000;
    },

    /** `docker compose exec <service> <healthcheck>`: the health check's command in the running container. */
    async healthcheck(service) {
      const { container } = running.get(service.name);
      const r = await runInContainer(container, await specFor(service, service.healthcheck));
      if (r.code !== 0) throw new ServiceError(service.name, `health check failed (exit ${r.code}): ${lastError(`${r.stdout}${r.stderr}`.split("\n"))}`);
    },

    /** `docker compose run --rm [-e K=V] <service> <args>`: resolves to { code, stdout, stderr }. */
    async runOnce(service, args, env = {}) {
      const container = await newContainer(`${service.name}-run`);
      try {
        return await runInContainer(container, await specFor(service, [...config.entrypoint, ...args], env));
      } finally {
        await removeContainer(container);
      }
    },

    /** Fails if a running service has exited since it was started. */
    assertRunning() {
      for (const [name, r] of running) {
        if (r.child.exitCode !== null || r.child.signalCode !== null) {
          throw new ServiceError(name, `exited (${r.child.signalCode ?? `code ${r.child.exitCode}`}) while running: ${lastError(r.tail)}`);
        }
      }
    },

    /** `docker compose down`: SIGTERM to each service's process, SIGKILL after the grace period. Idempotent. */
    async stop() {
      const outcomes = {};
      await Promise.all([...running].map(async ([name, r]) => {
        const pid = await leafPid(r.child.pid);
        if (pid) process.kill(pid, "SIGTERM");
        const killer = setTimeout(() => r.child.kill("SIGKILL"), STOP_GRACE_MS);
        const { code, signal } = await r.exited;
        clearTimeout(killer);
        r.log.end();
        await finished(r.log);
        outcomes[name] = signal ?? code;
      }));
      running.clear();
      for (const name of containers.splice(0)) await removeContainer(name);
      return outcomes;
    },
  };
}

/** `user` ("name", "uid" or "name:group") as numeric ids, from the image's /etc/passwd. */
async function userIds(root, user) {
  const name = user.split(":")[0];
  if (/^\d+$/.test(name)) return { uid: Number(name), gid: Number(name) };
  const line = (await fs.readFile(path.join(root, "etc/passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`the image's user ${name} is not in its /etc/passwd`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** The last line that says something (an error line if there is one), for a one-line failure reason. */
function lastError(lines) {
  // buildah's own closing lines ("subprocess exited with status 1", "Error: exit status 1") say nothing.
  const said = lines.map((l) => l.trim()).filter((l) => l && !/^(subprocess exited|Error: exit status)/.test(l));
  const line = said.findLast((l) => /error|EACCES|denied|unable/i.test(l)) ?? said.at(-1) ?? "no output";
  try {
    const j = JSON.parse(line);
    return [j.msg, j.err?.message].filter(Boolean).join(": ") || line;
  } catch {
    return line.slice(0, 300);
  }
}

/**
 * The container's own process: with chroot isolation it is a plain host process at the bottom of
 * buildah-chroot-runtime → buildah-chroot-exec, and buildah does not forward SIGTERM to it.
 */
async function leafPid(pid) {
  const children = new Map();
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  let current = pid;
  while (children.get(current)?.length) current = children.get(current)[0];
  return current === pid ? null : current;
}
