// Errors the CLI maps to exit codes; only the CLI entry point turns them into process exits.

/** Bad input: a file, where in it, and what is wrong. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    /** "line 12", "record 4", "wave w01 / mailbox 3", … */
    readonly where: string | undefined,
    readonly problem: string,
  ) {
    super(where ? `${file}: ${where}: ${problem}` : `${file}: ${problem}`);
    this.name = "InputError";
  }
}

/** Wrong use of the command line. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Collects several input errors so a user sees all of them in one run. */
export class InputErrors extends Error {
  readonly exitCode = 2;
  constructor(readonly errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "InputErrors";
  }
}
