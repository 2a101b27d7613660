// `oxmig lock` for the staging stack over a copied inventory, returning its exit code and what it printed.
import { lockCommand } from "../../../cli/commands/lock";
import { ROOT } from "./inventory-mistakes";

export function lockStaging(dir: string): { code: number; stdout: string } {
  let stdout = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: lockCommand({ stack: "staging", inventory: dir, root: ROOT }), stdout };
  } finally {
    process.stdout.write = write;
  }
}
