// A dynamic provider as Pulumi serialises it into the stack's state (`__provider`): the SDK's
// dynamic Resource runs `serializeFunction(() => provider)` over the object returned here, and the
// dynamic provider host later loads that text with require-from-string and calls its methods.
//
// The methods therefore capture only two strings: the implementation's path relative to the project
// root and a name suffix. No absolute path: an update or delete run from another checkout path (a
// CI runner, a colleague's machine) must find the code of *that* checkout. At call time, in whatever
// process runs them (the program, a test, or Pulumi's provider host, which has no TypeScript
// loader), they find the project root, register tsx from the root's node_modules and require the
// implementation from there. No module imports inside the methods either: under vitest imports are
// rewritten into objects that cannot be serialised.
//
// Where the root is: OXMIG_PROJECT_ROOT when set, else the nearest directory at or above the working
// directory that holds the implementation file. Pulumi's host is launched as
// `pulumi-resource-pulumi-nodejs`, a script that resolves @pulumi/pulumi/cmd/dynamic-provider from its
// working directory, so that directory lies inside the project; require-from-string gives the loaded
// text node_modules paths from there upward (both read in @pulumi/pulumi 3.248). Which directory the
// CLI picks (the project root, or infra/ as the directory of `main: infra/index.ts`) was not checked:
// the search upward covers both.
import type * as pulumi from "@pulumi/pulumi";

/** `modulePath` (relative to the project root, no extension) exports check<Suffix> … delete<Suffix> and configure<Suffix>. */
export function lazyProvider(modulePath: string, suffix: string): pulumi.dynamic.ResourceProvider {
  const call = (op: string, ...args: unknown[]): never => {
    const path = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    const holds = (dir: string) => [".ts", ".js"].some((ext) => fs.existsSync(path.join(dir, `${modulePath}${ext}`)));
    let root = process.env.OXMIG_PROJECT_ROOT ? path.resolve(process.env.OXMIG_PROJECT_ROOT) : process.cwd();
    while (!holds(root)) {
      const up = path.dirname(root);
      if (up === root || process.env.OXMIG_PROJECT_ROOT) {
        throw new Error(
          `OX provider: ${modulePath} not found ${process.env.OXMIG_PROJECT_ROOT ? "in OXMIG_PROJECT_ROOT" : `at or above ${process.cwd()}`}; run Pulumi from the project, or set OXMIG_PROJECT_ROOT`,
        );
      }
      root = up;
    }
    const flags = globalThis as { __oxmigTsxRegistered?: boolean };
    if (!flags.__oxmigTsxRegistered) {
      require(require.resolve("tsx/cjs/api", { paths: [root] })).register();
      flags.__oxmigTsxRegistered = true;
    }
    const ops = require(path.join(root, modulePath)) as Record<string, (...a: unknown[]) => unknown>;
    return ops[`${op}${suffix}`]!(...args) as never;
  };
  return {
    async configure(req) {
      return call("configure", req);
    },
    async check(olds, news) {
      return call("check", olds, news);
    },
    async diff(id, olds, news) {
      return call("diff", id, olds, news);
    },
    async create(inputs) {
      return call("create", inputs);
    },
    async read(id, props) {
      return call("read", id, props);
    },
    async update(id, olds, news) {
      return call("update", id, olds, news);
    },
    async delete(id, props) {
      return call("delete", id, props);
    },
  };
}
