// The OX user dynamic provider as Pulumi serialises it into the stack. It must stay
// self-contained: Pulumi serialises these methods' closures, and under vitest module imports
// are rewritten into objects that cannot be serialised. So the methods capture only two
// absolute paths (strings) and load the implementation at call time, in whatever process
// runs them (the program, a test, or Pulumi's dynamic provider host, which has no TS loader).

import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

type UserOps = typeof import("./user-ops");

const IMPLEMENTATION = path.join(__dirname, "user-ops");
const TSX_API = require.resolve("tsx/cjs/api");

function userOps(): UserOps {
  const flags = globalThis as { __oxmigTsxRegistered?: boolean };
  if (!flags.__oxmigTsxRegistered) {
    require(TSX_API).register();
    flags.__oxmigTsxRegistered = true;
  }
  return require(IMPLEMENTATION) as UserOps;
}

export const oxUserProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return userOps().checkUser(olds, news);
  },
  async diff(id, olds, news) {
    return userOps().diffUser(id, olds, news);
  },
  async create(inputs) {
    return userOps().createUser(inputs);
  },
  async read(id, props) {
    return userOps().readUser(id, props);
  },
  async update(id, olds, news) {
    return userOps().updateUser(id, olds, news);
  },
  async delete(id, props) {
    return userOps().deleteUser(id, props);
  },
};
