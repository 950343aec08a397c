// exec.mjs — running the container check's tools (buildah, debootstrap, apt-get) from plain scripts.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs a command, returning stdout; on failure the error carries the command and its output's tail. */
export async function run(command, args, opts = {}) {
  try {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 256 * 1024 * 1024, ...opts });
    return stdout;
  } catch (err) {
    const tail = `${err.stdout ?? ""}${err.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${command} ${args.join(" ")} failed${err.code === "ENOENT" ? " (not installed)" : ""}\n${tail}`, { cause: err });
  }
}

/** Like `run`, but streams the command's output to `logFile` (builds print far too much for a CI log). */
export function runLogged(command, args, logFile) {
  return new Promise((resolve, reject) => {
    fs.open(logFile, "a").then((handle) => {
      const child = spawn(command, args, { stdio: ["ignore", handle.fd, handle.fd] });
      child.once("error", (err) => { handle.close(); reject(err); });
      child.once("exit", async (code) => {
        await handle.close();
        if (code === 0) return resolve();
        const tail = (await fs.readFile(logFile, "utf8")).trim().split("\n").slice(-15).join("\n");
        reject(new Error(`${command} ${args.slice(0, 3).join(" ")} … exited ${code} (log: ${logFile})\n${tail}`));
      });
    }, reject);
  });
}

