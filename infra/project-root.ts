// Relative paths in the stack config (inventory, renderYamlTo) are relative to the project, the
// folder of Pulumi.yaml. Not to the working directory: the Pulumi CLI runs a program whose `main` is a
// file with the working directory set to that file's folder (infra/ here; read in the CLI's
// getPwdMain, not run here), while the gate and the tests run it from the project root.
import path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** `relativeOrAbsolute` resolved against the project root. */
export function fromProjectRoot(relativeOrAbsolute: string): string {
  return path.resolve(PROJECT_ROOT, relativeOrAbsolute);
}
