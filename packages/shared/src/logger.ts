import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** Fields on every line (stage, service). */
  bindings?: Record<string, unknown>;
  /** Unset: readable lines when stderr is a terminal, JSON otherwise (what log collectors parse). */
  format?: LogFormat;
  /** ANSI colours in pretty lines; off when NO_COLOR is set. */
  color?: boolean;
}

const require = createRequire(import.meta.url);

function prettyStream(color: boolean): DestinationStream {
  // Loaded only for a terminal: JSON logging (every container) never pays for it. Synchronous, so a
  // line written just before exit is not lost, and no worker thread is spawned.
  const { build } = require("pino-pretty") as typeof import("pino-pretty");
  return build({ destination: 2, sync: true, colorize: color, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service" });
}

/** Logs on stderr (stdout belongs to the CLI's JSON contracts); secrets never printed. */
export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? (process.stderr.isTTY ? "pretty" : "json");
  return pino(
    {
      level,
      base: { service: "regradar", ...opts.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["secret", "*.secret", "*.password", "*.token", "headers.authorization", "*.headers.authorization", "smtpUrl", "*.smtpUrl"],
        censor: "[redacted]",
      },
    },
    format === "pretty" ? prettyStream(opts.color ?? Boolean(process.stderr.isTTY)) : pino.destination(2),
  );
}
