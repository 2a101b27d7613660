// A throwaway project with the real bin/build.cjs and bin/oxmig.cjs, the real tsconfig.json and
// node_modules (linked), and a few sources of its own: builds and runs without touching the checkout's build/.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");

export interface TempProject {
  readonly root: string;
  write(rel: string, text: string): string;
  /** Moves a file's modification time forward, as an editor's save does. */
  touch(rel: string): void;
  remove(): void;
}

/** `sources`: files written as given; `copied`: files and folders copied from this checkout. */
export function tempProject(sources: Record<string, string>, copied: readonly string[] = []): TempProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-build-"));
  fs.mkdirSync(path.join(root, "bin"));
  for (const file of ["build.cjs", "oxmig.cjs"]) fs.copyFileSync(path.join(ROOT, "bin", file), path.join(root, "bin", file));
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(root, "tsconfig.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  for (const rel of copied) fs.cpSync(path.join(ROOT, rel), path.join(root, rel), { recursive: true, filter: (src) => !src.includes("node_modules") });
  for (const [rel, text] of Object.entries(sources)) write(rel, text);
  return {
    root,
    write,
    touch(rel) {
      const file = path.join(root, rel);
      const later = new Date(fs.statSync(file).mtimeMs + 5_000);
      fs.utimesSync(file, later, later);
    },
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
