// The pack's entry (package.json main): the Pulumi CLI's run-policy-pack requires the pack folder,
// so this file. Published (`npm pack` via `pulumi policy publish`, docs/engine.md), the folder holds
// bundle.js, the pack and the shared code it imports bundled into one file, and no TypeScript
// sources. In a checkout the sources run (the CLI compiles them with ts-node, the gate with tsx), so
// a bundle left behind by an interrupted pack never runs instead of them.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

require(existsSync(join(__dirname, "index.ts")) ? "./index.ts" : "./bundle.js");
