// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI would, minus `secure:` values (they need the CLI to decrypt).
import fs from "node:fs";
import path from "node:path";
import { load } from "js-yaml";
import { InputError, UsageError } from "@oxmig/core/errors";
import { decodeUtf8 } from "@oxmig/core/text";

/** Pulumi.<stack>.yaml as read from disk (the program reads the same settings through pulumi.Config, infra/config.ts). */
export interface StackFile {
  readonly project: string;
  readonly stack: string;
  /** Config keys without the project prefix → value as the Pulumi SDK stores it (objects/arrays as JSON text). */
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose stack-file value is `secure:` (encrypted; not readable without the CLI). */
  readonly secureKeys: readonly string[];
  /** Keys Pulumi.yaml declares `secret: true` (set per stack with `pulumi config set --secret`). */
  readonly declaredSecretKeys: readonly string[];
  readonly file: string;
}

function loadYaml(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, undefined, code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? String(err)})`);
  }
  const text = decodeUtf8(bytes, file);
  try {
    return load(text, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    throw new InputError(file, mark ? `line ${mark.line + 1}` : undefined, (err as { reason?: string }).reason ?? String(err));
  }
}

interface ProjectFile {
  readonly name: string;
  readonly config: Record<string, { secret?: boolean } | null>;
}

function readProject(root: string): ProjectFile {
  const file = path.join(root, "Pulumi.yaml");
  const doc = loadYaml(file) as { name?: unknown; config?: unknown } | null;
  if (!doc || typeof doc.name !== "string") throw new InputError(file, undefined, "missing project `name`");
  const config = doc.config && typeof doc.config === "object" ? (doc.config as ProjectFile["config"]) : {};
  return { name: doc.name, config };
}

export function projectName(root: string = process.cwd()): string {
  return readProject(root).name;
}

/** Lists the stacks that have a Pulumi.<stack>.yaml in root. */
export function listStacks(root: string = process.cwd()): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export function readStackFile(stack: string, root: string = process.cwd()): StackFile {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `unknown stack "${stack}": ${path.relative(process.cwd(), file) || file} does not exist (stacks here: ${listStacks(root).join(", ") || "none"})`,
    );
  }
  const projectFile = readProject(root);
  const project = projectFile.name;
  const doc = (loadYaml(file) ?? {}) as { config?: Record<string, unknown> };
  // Keys come from the stack file: no prototype, so "__proto__" or "constructor" are plain keys.
  const values: Record<string, string> = Object.create(null);
  const secureKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(doc.config ?? {})) {
    const key = fullKey.startsWith(`${project}:`) ? fullKey.slice(project.length + 1) : fullKey;
    if (value && typeof value === "object" && "secure" in (value as object)) {
      secureKeys.push(key);
      continue;
    }
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const declaredSecretKeys = Object.entries(projectFile.config)
    .filter(([, spec]) => spec?.secret === true)
    .map(([key]) => key);
  return { project, stack, values, secureKeys, declaredSecretKeys, file: path.relative(process.cwd(), file) || file };
}
