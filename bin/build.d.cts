// Types of bin/build.cjs for the TypeScript that asks whether the build is fresh (engine/program-process.ts, tests).

/** The build of one project: build/ under its root. */
export interface ProjectBuild {
  /** The project's root (its package.json) and its build/. */
  readonly root: string;
  readonly dir: string;
  /** build/ when it was built from exactly the files on disk now, else undefined. */
  freshBuildDir(): string | undefined;
  /** Where a source .ts of the project is compiled to, or undefined when it is not compiled. */
  builtPath(file: string): string | undefined;
  /** Compiles every source into build/ and writes its stamp last. */
  build(): Promise<{ files: number; ms: number }>;
}

/** The source folders compiled into build/. */
export declare const SOURCE_DIRS: readonly string[];
export declare function projectBuild(root: string): ProjectBuild;
// This project's build:
export declare const root: string;
export declare const dir: string;
export declare const freshBuildDir: ProjectBuild["freshBuildDir"];
export declare const builtPath: ProjectBuild["builtPath"];
export declare const build: ProjectBuild["build"];
