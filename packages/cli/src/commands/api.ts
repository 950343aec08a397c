import { parseArgs } from "node:util";
import { createLogger, loadConfig } from "@regradar/shared";
import { startApi } from "@regradar/api";
import { CliError } from "../cli-error.js";
import { withRedis } from "../redis-context.js";
import { untilSignal } from "../until-signal.js";

/** "--port 8080" as a TCP port, or a CliError naming the flag. */
export function portArg(value: string | undefined, flag = "--port"): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`${flag}: expected a TCP port, got ${JSON.stringify(value)}`);
  return port;
}

/** regradar api [--host H] [--port N]: the HTTP API and web app until SIGTERM/SIGINT. */
export async function api(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { host: { type: "string" }, port: { type: "string" } } });
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const port = portArg(values.port);
  await withRedis(config, async ({ config: withEndpoint }) => {
    const running = await startApi(withEndpoint, log, { host: values.host, port });
    log.info({ url: `${running.url}/` }, "web app and API listening");
    await untilSignal(log);
    await running.close();
  });
}
