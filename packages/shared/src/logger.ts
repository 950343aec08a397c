import { pino, type Logger } from "pino";

export type { Logger };

/** JSON logs on stderr (stdout belongs to the CLI's JSON contracts); secrets never printed. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { service: "regradar", ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["secret", "*.secret", "*.password", "*.token", "headers.authorization", "*.headers.authorization", "smtpUrl", "*.smtpUrl"],
        censor: "[redacted]",
      },
    },
    pino.destination(2),
  );
}
