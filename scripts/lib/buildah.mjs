// buildah.mjs — building the project's image and running commands from it the way a Docker engine
// would, with buildah's chroot isolation (no daemon, no user namespaces, no registry).
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { run, runLogged } from "./exec.mjs";

const ISOLATION = ["--isolation", "chroot"];

/**
 * `docker build -t <tag> .`: never pulls (the base must be in local storage), builds with the host's
 * network. No layer cache: every CI run builds changed sources anyway, and the cache would grow the
 * storage by a gigabyte a run; the image this replaces is removed instead.
 */
export async function buildImage({ contextDir, tag, logFile }) {
  await runLogged("buildah", ["bud", ...ISOLATION, "--pull=false", "--network", "host", "-t", tag, "-f", path.join(contextDir, "Dockerfile"), contextDir], logFile);
  await run("buildah", ["rmi", "--prune"]);
}

/** The image's size as `docker image ls` reports it (uncompressed layers, e.g. "651 MB"). */
export async function imageSize(image) {
  const id = (await run("buildah", ["inspect", "--type", "image", "--format", "{{.FromImageID}}", image])).trim();
  const found = JSON.parse(await run("buildah", ["images", "--json"])).find((i) => id.startsWith(i.id));
  return found?.size ?? "unknown";
}

/** What `docker run` takes from the image: entrypoint, default command, user and working directory. */
export async function imageConfig(image) {
  const config = JSON.parse(await run("buildah", ["inspect", "--type", "image", image])).OCIv1.config ?? {};
  return { entrypoint: config.Entrypoint ?? [], cmd: config.Cmd ?? [], user: config.User || "root", workingDir: config.WorkingDir || "/" };
}

/** A container from `image` whose /etc/hosts maps each of `hosts` ({name: ip}) like compose's network does. */
export async function createContainer(image, name, hosts) {
  const addHosts = Object.entries(hosts).flatMap(([host, ip]) => ["--add-host", `${host}:${ip}`]);
  await run("buildah", ["from", "--pull=false", "--quiet", "--name", name, ...addHosts, image]);
  return name;
}

export async function removeContainer(name) {
  await run("buildah", ["rm", name]).catch(() => {});
}

/** Mounts the container's root file system, runs `fn(root)` and unmounts it. */
export async function withRootFs(container, fn) {
  const root = (await run("buildah", ["mount", container])).trim();
  try {
    return await fn(root);
  } finally {
    await run("buildah", ["umount", container]).catch(() => {});
  }
}

/**
 * Starts `argv` in the container as `user`, with `env` and `mounts` ([hostPath, containerPath, readOnly]),
 * on the caller's network namespace. Returns the child process (buildah forwards signals to it).
 */
export function spawnInContainer(container, { user, env, mounts, argv }) {
  return spawn("buildah", [
    "run", ...ISOLATION, "--network", "host", "--user", user,
    ...mounts.flatMap(([source, target, readOnly]) => ["--volume", `${source}:${target}${readOnly ? ":ro" : ""}`]),
    ...Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]),
    container, "--", ...argv,
  ], { stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `argv` to completion in the container; resolves to { code, stdout, stderr }. */
export function runInContainer(container, spec) {
  return new Promise((resolve, reject) => {
    const child = spawnInContainer(container, spec);
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** Copies a directory's owner and mode (as Docker does when a fresh named volume is mounted over it). */
export async function copyOwnership(from, to) {
  const st = await fs.stat(from);
  await fs.chown(to, st.uid, st.gid);
  await fs.chmod(to, st.mode & 0o7777);
}
