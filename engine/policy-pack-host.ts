// Starts a TypeScript policy pack the way `run-policy-pack <engine-address> <pack dir>`
// does, but loaded with tsx instead of the CLI's vendored, type-checking ts-node (useful when
// that ts-node cannot compile a pack). Run through bin/run-ts.cjs, which registers tsx. The
// engine address is accepted for the same argument shape and, as in run-policy-pack, not used.
import * as path from "node:path";

const [, , _engineAddress, packDir] = process.argv;
if (!packDir) {
  process.stderr.write("usage: policy-pack-host <engine-address> <policy pack dir>\n");
  process.exit(2);
}
process.chdir(path.resolve(packDir));
// The pack's PolicyPack constructor starts the gRPC server and prints its port on stdout.
require(process.cwd());
