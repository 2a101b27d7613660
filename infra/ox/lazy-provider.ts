// A dynamic provider as Pulumi serialises it into the stack. It must stay self-contained: Pulumi
// serialises these methods' closures, and under vitest module imports are rewritten into objects
// that cannot be serialised. So the methods capture only strings (absolute paths, a name suffix)
// and load the implementation at call time, in whatever process runs them (the program, a test,
// or Pulumi's dynamic provider host, which has no TypeScript loader).
import type * as pulumi from "@pulumi/pulumi";

const TSX_API = require.resolve("tsx/cjs/api");

/** `implementation` exports check<Suffix>, diff<Suffix>, create<Suffix>, read<Suffix>, update<Suffix>, delete<Suffix>. */
export function lazyProvider(implementation: string, suffix: string): pulumi.dynamic.ResourceProvider {
  const tsxApi = TSX_API;
  const call = (op: string, ...args: unknown[]): never => {
    const flags = globalThis as { __oxmigTsxRegistered?: boolean };
    if (!flags.__oxmigTsxRegistered) {
      require(tsxApi).register();
      flags.__oxmigTsxRegistered = true;
    }
    const ops = require(implementation) as Record<string, (...a: unknown[]) => unknown>;
    return ops[`${op}${suffix}`]!(...args) as never;
  };
  return {
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
