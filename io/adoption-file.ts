// Reads the adoption file `oxmig audit --adoptions` wrote (core/adoption-file.ts says what is in it).
import fs from "node:fs";
import { parseAdoptionFile, type AdoptionFile } from "@oxmig/core/adoption-file";
import { InputError } from "@oxmig/core/errors";

/** The file at `path` (as given, for messages: `shown`), checked for `stack`; a missing or bad file is an InputError (exit 2). */
export function readAdoptionFile(path: string, stack: string, shown: string = path): AdoptionFile {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(shown, undefined, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseAdoptionFile(text, shown, stack);
}
