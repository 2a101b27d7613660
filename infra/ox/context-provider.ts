// The OX context dynamic provider as Pulumi serialises it into the stack. It must stay
// self-contained: Pulumi serialises these methods' closures, and under vitest module imports
// are rewritten into objects that cannot be serialised. So the methods capture only two
// absolute paths (strings) and load the implementation at call time, in whatever process
// runs them (the program, a test, or Pulumi's dynamic provider host, which has no TS loader).

import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

type ContextOps = typeof import("./context-ops");

const IMPLEMENTATION = path.join(__dirname, "context-ops");
const TSX_API = require.resolve("tsx/cjs/api");

function contextOps(): ContextOps {
  const flags = globalThis as { __oxmigTsxRegistered?: boolean };
  if (!flags.__oxmigTsxRegistered) {
    require(TSX_API).register();
    flags.__oxmigTsxRegistered = true;
  }
  return require(IMPLEMENTATION) as ContextOps;
}

export const oxContextProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return contextOps().checkContext(olds, news);
  },
  async diff(id, olds, news) {
    return contextOps().diffContext(id, olds, news);
  },
  async create(inputs) {
    return contextOps().createContext(inputs);
  },
  async read(id, props) {
    return contextOps().readContext(id, props);
  },
  async update(id, olds, news) {
    return contextOps().updateContext(id, olds, news);
  },
  async delete(id, props) {
    return contextOps().deleteContext(id, props);
  },
};
