// The InputErrors a parser throws, as a list (one InputError or several collected ones).
import { InputError, InputErrors } from "../../core/errors";

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
