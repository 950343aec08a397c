import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const CLI = fileURLToPath(new URL("../../packages/cli/dist/main.js", import.meta.url));
const run = promisify(execFile);

export interface CliOutcome { code: number; stdout: string; stderr: string }

/** The compiled CLI as an outside tool (or a container health check) runs it: exit code and output. */
export async function regradar(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, REGRADAR_LOG_LEVEL: "silent", ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as CliOutcome;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
