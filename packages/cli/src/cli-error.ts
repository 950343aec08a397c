/** A user-facing failure: main prints its message as one line on stderr and exits non-zero. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

export const printJson = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };
