// compose-file.mjs — reads docker-compose.yml the way `docker compose up` would use it for the
// services built from the project's image: command, environment (env_file, then `environment`),
// volumes, health check, dependencies and profiles. Only the compose features the file uses are
// understood; anything else is an error, so the check never silently runs something compose would not.
import fs from "node:fs/promises";
import path from "node:path";
import { parseEnv } from "node:util";
import YAML from "yaml";

/**
 * @typedef {{ type: "bind", source: string, target: string, readOnly: boolean }
 *   | { type: "volume", name: string, target: string, readOnly: boolean }} Mount
 * @typedef {{ name: string, image: string, build: boolean, profiles: string[], command: string[] | null,
 *   environment: Record<string, string>, mounts: Mount[], dependsOn: string[], healthcheck: string[] | null }} Service
 */

/** Parses the compose file at `file`; relative paths (bind mounts, env files) resolve against `projectDir`. */
export async function readComposeFile(file, projectDir = path.dirname(file)) {
  // YAML 1.1 merge keys (`<<: *anchor`) are what compose files use to share service blocks.
  const doc = YAML.parse(await fs.readFile(file, "utf8"), { merge: true });
  const services = [];
  for (const [name, spec] of Object.entries(doc.services ?? {})) {
    services.push({
      name,
      image: spec.image ?? "",
      // Built from the project's Dockerfile; an inline Dockerfile (the Elasticsearch image with its plugin) is not the project image.
      build: spec.build !== undefined && !(typeof spec.build === "object" && spec.build.dockerfile_inline),
      profiles: spec.profiles ?? [],
      command: spec.command === undefined ? null : asArgv(spec.command, `${name}.command`),
      environment: { ...(await readEnvFiles(spec.env_file, projectDir)), ...asEnvironment(spec.environment ?? {}) },
      mounts: (spec.volumes ?? []).map((v) => asMount(v, projectDir, name)),
      dependsOn: Array.isArray(spec.depends_on) ? spec.depends_on : Object.keys(spec.depends_on ?? {}),
      healthcheck: spec.healthcheck && !spec.healthcheck.disable ? healthcheckArgv(spec.healthcheck.test, name) : null,
    });
  }
  return { services, volumes: Object.keys(doc.volumes ?? {}) };
}

function asArgv(value, where) {
  if (Array.isArray(value)) return value.map(String);
  throw new Error(`${where}: only the exec (list) form is understood`);
}

function asEnvironment(env) {
  if (Array.isArray(env)) return Object.fromEntries(env.map((kv) => { const i = kv.indexOf("="); return [kv.slice(0, i), kv.slice(i + 1)]; }));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

/** env_file entries in order, later files winning; `required: false` files may be absent. */
async function readEnvFiles(envFile, projectDir) {
  const entries = envFile === undefined ? [] : Array.isArray(envFile) ? envFile : [envFile];
  const merged = {};
  for (const entry of entries) {
    const { path: file, required = true } = typeof entry === "string" ? { path: entry } : entry;
    const text = await fs.readFile(path.resolve(projectDir, file), "utf8").catch((err) => {
      if (err.code === "ENOENT" && !required) return "";
      throw err;
    });
    Object.assign(merged, parseEnv(text));
  }
  return merged;
}

function asMount(volume, projectDir, service) {
  if (typeof volume !== "string") throw new Error(`${service}.volumes: only the short form is understood`);
  const [source, target, mode = "rw"] = volume.split(":");
  const readOnly = mode.split(",").includes("ro");
  if (source.startsWith(".") || source.startsWith("/")) return { type: "bind", source: path.resolve(projectDir, source), target, readOnly };
  return { type: "volume", name: source, target, readOnly };
}

function healthcheckArgv(test, service) {
  const [kind, ...rest] = asArgv(test, `${service}.healthcheck.test`);
  if (kind === "CMD") return rest;
  if (kind === "CMD-SHELL") return ["/bin/sh", "-c", rest.join(" ")];
  throw new Error(`${service}.healthcheck.test: ${kind} is not understood`);
}
