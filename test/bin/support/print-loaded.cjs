// Preloaded (--require) into a CLI run by test/bin/oxmig.test.ts: at exit, writes every module the
// process loaded to $OXMIG_LOADED_MODULES.
const fs = require("node:fs");
process.on("exit", () => fs.writeFileSync(process.env.OXMIG_LOADED_MODULES, JSON.stringify(Object.keys(require.cache))));
