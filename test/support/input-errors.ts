// The InputErrors a parser throws, as a list (one InputError or several collected ones).
import { InputError, InputErrors } from "@oxmig/core/errors";

export function errorsOf(fn: () => unknown): InputError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputErrors) return [...err.errors];
    if (err instanceof InputError) return [err];
    throw err;
  }
  throw new Error("expected input errors");
}

/** The one InputError `fn` throws (fails the test when it throws anything else or nothing). */
export function inputErrorOf(fn: () => unknown): InputError {
  const errors = errorsOf(fn);
  if (errors.length !== 1) throw new Error(`expected one input error, got ${errors.length}`);
  return errors[0]!;
}
