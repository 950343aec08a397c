import { createLogger, type Config, type Logger } from "@regradar/shared";

/**
 * The CLI's logger, in the configured format. `quiet` is for one-shot commands (search,
 * subscriptions add): their answer is on stdout, so progress lines would only be noise on stderr;
 * warnings and errors still show, and an explicit debug/trace level still wins.
 */
export function cliLogger(config: Config, opts: { quiet?: boolean } = {}): Logger {
  const level = opts.quiet && config.logLevel === "info" ? "warn" : config.logLevel;
  return createLogger(level, { format: config.logFormat, color: !config.noColor && Boolean(process.stderr.isTTY) });
}
