/** A user-facing failure: main prints its message as one line on stderr and exits non-zero. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

export const printJson = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };

/** ANSI styling only for a person at a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColor = (config: { noColor: boolean }): boolean => Boolean(process.stdout.isTTY) && !config.noColor;
