// Commands load their implementation when they run (cli/specs/), through import(): the one form that
// works in all three ways the CLI runs. The build turns it into a require of the compiled file, vitest
// imports the TypeScript, and tsx's ESM hook (bin/oxmig.cjs without a fresh build) hands back a
// TypeScript CommonJS module as { default: module.exports }, since Node cannot see its exports.

/** The module's exports, however the loader wrapped them. */
export async function implementation<T extends object>(loading: Promise<T>): Promise<T> {
  const loaded = await loading;
  const keys = Object.keys(loaded);
  return keys.length === 1 && keys[0] === "default" ? (loaded as T & { default: T }).default : loaded;
}
