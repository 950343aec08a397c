// stand-in-base.mjs — the tools and the base image that `npm run test:container` needs on a machine
// without a Docker engine or a container registry: buildah (daemonless, chroot isolation) and a
// stand-in for `docker.io/library/node:20-bookworm-slim` made from Debian's own packages.
//
// The stand-in is Debian trixie minbase + Debian's nodejs (20.19) and npm + a `node` user with uid 1000,
// which is what the project's Dockerfile relies on from the official image. It is tagged with the
// official name, so the Dockerfile builds unchanged. When the host reaches the package registries
// through a certificate authority of its own (npm `cafile`), the stand-in trusts that bundle too: this
// belongs to the check's stand-in only, never to the project's Dockerfile.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { run, runLogged } from "./exec.mjs";

export const BASE_IMAGE = "docker.io/library/node:20-bookworm-slim";
const SUITE = "trixie";
const MIRROR = "http://deb.debian.org/debian";
const NODE_UID = 1000;
const CA_IN_IMAGE = "/usr/local/share/regradar-stand-in/host-ca.crt";
// Bump to rebuild every cached stand-in when the recipe below changes.
const RECIPE_VERSION = 1;
const LABEL = "regradar.stand-in";

async function onPath(command) {
  return run("sh", ["-c", `command -v ${command}`]).then(() => true, () => false);
}

/** Installs, with apt-get, whichever of the check's tools are missing. */
export async function ensureTools(log) {
  const wanted = { buildah: "buildah", debootstrap: "debootstrap", ip: "iproute2", unshare: "util-linux", "redis-server": "redis-server" };
  const missing = [];
  for (const [command, pkg] of Object.entries(wanted)) if (!(await onPath(command))) missing.push(pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], { env });
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
}

/** The CA bundle the host's npm uses, if any (`npm config get cafile`). */
async function hostCaBundle() {
  const cafile = (await run("npm", ["config", "get", "cafile"]).catch(() => "")).trim();
  if (!cafile || cafile === "null" || cafile === "undefined") return null;
  return fs.readFile(cafile).catch(() => null);
}

async function imageLabel(image, label) {
  const out = await run("buildah", ["inspect", "--type", "image", "--format", `{{index .OCIv1.Config.Labels "${label}"}}`, image]).catch(() => null);
  return out === null ? null : out.trim();
}

/**
 * Makes sure BASE_IMAGE exists in buildah's storage, building the stand-in when it is absent or was
 * built by an older recipe or for another CA bundle. An image of that name without our label is a real
 * one (pulled from a registry) and is used as it is. Returns whether it had to build.
 */
export async function ensureStandInBase({ log, logFile }) {
  const ca = await hostCaBundle();
  const recipe = createHash("sha256").update(`${RECIPE_VERSION}\n${SUITE}\n`).update(ca ?? "").digest("hex").slice(0, 16);
  const existing = await imageLabel(BASE_IMAGE, LABEL);
  if (existing !== null && (existing === "" || existing === recipe)) return false;

  log(`building the stand-in ${BASE_IMAGE} (debootstrap ${SUITE} + Debian nodejs/npm); log: ${logFile}`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "regradar-stand-in-"));
  let container;
  try {
    const rootfs = path.join(work, "rootfs");
    await runLogged("debootstrap", ["--variant=minbase", SUITE, rootfs, MIRROR], logFile);
    container = (await run("buildah", ["from", "scratch"])).trim();
    const mount = (await run("buildah", ["mount", container])).trim();
    await run("cp", ["-a", `${rootfs}/.`, mount]);
    // What the official image has: a `node` user and group with uid/gid 1000 and a home.
    await fs.appendFile(path.join(mount, "etc/passwd"), `node:x:${NODE_UID}:${NODE_UID}::/home/node:/bin/sh\n`);
    await fs.appendFile(path.join(mount, "etc/group"), `node:x:${NODE_UID}:\n`);
    await fs.mkdir(path.join(mount, "home/node"));
    await fs.chown(path.join(mount, "home/node"), NODE_UID, NODE_UID);
    const env = [];
    if (ca) {
      await fs.mkdir(path.dirname(path.join(mount, CA_IN_IMAGE)), { recursive: true });
      await fs.writeFile(path.join(mount, CA_IN_IMAGE), ca);
      env.push(`NODE_EXTRA_CA_CERTS=${CA_IN_IMAGE}`, `NPM_CONFIG_CAFILE=${CA_IN_IMAGE}`);
    }
    await run("buildah", ["umount", container]);
    await runLogged("buildah", ["run", "--isolation", "chroot", "--network", "host", ...env.flatMap((e) => ["--env", e]), container, "--",
      "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*"], logFile);
    await run("buildah", ["config", ...env.flatMap((e) => ["--env", e]), "--cmd", "node", "--label", `${LABEL}=${recipe}`, container]);
    await run("buildah", ["commit", "--rm", "--quiet", container, BASE_IMAGE]);
    container = undefined;
    return true;
  } finally {
    if (container) await run("buildah", ["rm", container]).catch(() => {});
    await fs.rm(work, { recursive: true, force: true });
  }
}
