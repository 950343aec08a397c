#!/usr/bin/env node
// test-container.mjs — `npm run test:container`: builds the project's image from its Dockerfile and
// runs the docker-compose.yml stack from it, on a machine without a Docker engine or registry access.
//
//  1. tools: buildah and debootstrap (apt-get installs them when missing);
//  2. base: a stand-in for node:20-bookworm-slim from Debian packages, built once and cached
//     (scripts/lib/stand-in-base.mjs);
//  3. image: `buildah bud` of the unchanged Dockerfile (what `docker build` does), then checks of the
//     final stage: no compilers, no dev dependencies;
//  4. stack: every service `docker compose up` would start, from that image, in a network namespace of
//     its own with a local redis-server and Elasticsearch standing in for the `redis` and
//     `elasticsearch` services (scripts/lib/check-compose-stack.mjs).
// Progress lines go to stdout; build output goes to .tmp/container/*.log. The last line is
// `container: image built in <s>s; services ok: <names>`, or one line naming what failed and why.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage, createContainer, imageSize, removeContainer, runInContainer } from "./lib/buildah.mjs";
import { readComposeFile } from "./lib/compose-file.mjs";
import { ensureElasticsearchDistribution } from "./lib/elasticsearch-local.mjs";
import { BASE_IMAGE, ensureStandInBase, ensureTools } from "./lib/stand-in-base.mjs";

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const logDir = path.join(repoDir, ".tmp", "container");
const say = (line) => console.log(`container: ${line}`);
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

class StepError extends Error {}
const step = (what, promise) => promise.catch((err) => { throw new StepError(`${what} failed: ${err.message}`, { cause: err }); });

const started = Date.now();
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "regradar-container-"));
try {
  await fs.rm(logDir, { recursive: true, force: true });
  await fs.mkdir(logDir, { recursive: true });
  const result = await main();
  say(`total ${seconds(started)}s`);
  console.log(`container: image built in ${result.buildSeconds}s; services ok: ${result.services.join(", ")}`);
} catch (err) {
  if (!(err instanceof StepError)) console.error(err);
  else if (err.cause) console.error(err.cause.message);
  console.log(`container: ${err.message.split("\n")[0]}`);
  process.exitCode = 1;
} finally {
  await fs.rm(workDir, { recursive: true, force: true });
}

async function main() {
  const compose = await step("docker-compose.yml", readComposeFile(path.join(repoDir, "docker-compose.yml")));
  const images = [...new Set(compose.services.filter((s) => s.build).map((s) => s.image))];
  if (images.length !== 1) throw new StepError(`docker-compose.yml: expected one project image, found ${images.join(", ") || "none"}`);
  const image = images[0];

  await step("installing buildah/debootstrap", ensureTools(say));
  let t = Date.now();
  const built = await step("stand-in base image", ensureStandInBase({ log: say, logFile: path.join(logDir, "stand-in.log") }));
  say(built ? `stand-in base built in ${seconds(t)}s` : "stand-in base cached");
  // The stack runs without network: resolve Elasticsearch's jars (Maven) before leaving it.
  await step("Elasticsearch distribution", ensureElasticsearchDistribution({ log: say }));

  t = Date.now();
  await step("image build", buildImage({ contextDir: repoDir, tag: image, logFile: path.join(logDir, "build.log") }));
  const buildSeconds = seconds(t);
  say(`image ${image} built in ${buildSeconds}s; size ${await imageSize(image)} (its base: ${await imageSize(BASE_IMAGE)})`);
  await step("image contents", checkFinalStage(image));

  const resultFile = path.join(workDir, "result.json");
  const options = { repoDir, image, workDir, logDir, resultFile };
  // A network namespace of our own: only loopback, so compose's fixed ports are free and private.
  const code = await new Promise((resolve, reject) => {
    const child = spawn("unshare", ["--net", process.execPath, path.join(repoDir, "scripts/lib/check-compose-stack.mjs"), JSON.stringify(options)], {
      stdio: ["ignore", "inherit", "pipe"],
    });
    const log = fs.open(path.join(logDir, "stack.log"), "w");
    child.stderr.on("data", async (d) => (await log).write(d));
    child.once("error", reject);
    child.once("close", async (c) => { await (await log).close(); resolve(c); });
  });
  const result = JSON.parse(await fs.readFile(resultFile, "utf8").catch(() => `{"ok":false,"failure":"stack: check exited ${code} without a result (see .tmp/container/stack.log)"}`));
  if (!result.ok) throw new StepError(`${result.failure} (logs: .tmp/container/)`);
  return { buildSeconds, services: result.services.map((s) => s.name) };
}

/**
 * The runtime stage adds no compilers to its base and carries no dev dependencies. (The stand-in base
 * has Debian's npm, which depends on a compiler toolchain; the official node image has none.)
 */
async function checkFinalStage(image) {
  const probe = async (img, argv) => {
    const container = await createContainer(img, `regradar-check-${process.pid}-probe`, {});
    try {
      return (await runInContainer(container, { user: "root", env: {}, mounts: [], argv })).stdout.split("\n").filter(Boolean);
    } finally {
      await removeContainer(container);
    }
  };
  const compilers = ["sh", "-c", "for c in gcc g++ cc c++ make python3; do command -v $c; done; true"];
  const inBase = new Set(await probe(BASE_IMAGE, compilers));
  const added = (await probe(image, compilers)).filter((c) => !inBase.has(c));
  const devDeps = await probe(image, ["sh", "-c", "ls -d /app/node_modules/typescript /app/node_modules/vitest 2>/dev/null; true"]);
  if (added.length || devDeps.length) throw new Error(`the final stage carries build tools or dev dependencies: ${[...added, ...devDeps].join(", ")}`);
  say("final stage: no compilers beyond its base, no dev dependencies");
}
