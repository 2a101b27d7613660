import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { resolveBindings } from "../../core/bindings";
import { buildLock, diffLock, parseLock, renderLock, type LockChange } from "../../core/lock";
import { readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";

export const LOCK_FILE = "bindings.lock.yaml";

export function lockPath(inventoryDir: string): string {
  return path.join(inventoryDir, LOCK_FILE);
}

function describe(change: LockChange): string {
  if (change.change !== "changed") return `  ${change.change} ${change.mailbox}`;
  return [`  changed ${change.mailbox}`, ...change.fields.map((f) => `    ${f.field}: ${f.locked} → ${f.declared}`)].join("\n");
}

export function registerLock(program: Command): void {
  program
    .command("lock")
    .description(`write inventory/<stack>/${LOCK_FILE}: the approved owner, addresses, source and key identity of every mailbox`)
    .requiredOption("--stack <stack>", "stack name")
    .option("--check", "do not write; exit 1 when the lock differs from the plan (for CI)")
    .action((opts: { stack: string; check?: boolean }) => {
      const selection = stackSelection(opts.stack);
      const inventory = readInventory(selection.inventoryDir);
      const bindings = resolveBindings(inventory, selection.resolve);
      const phases = Object.fromEntries(
        inventory.plan.waves.filter((w) => bindings.some((b) => b.wave === w.name)).map((w) => [w.name, w.phase]),
      );
      const lock = buildLock(opts.stack, bindings, phases);
      const file = lockPath(selection.inventoryDir);
      const shown = path.relative(process.cwd(), file);
      const previous = fs.existsSync(file) ? parseLock(fs.readFileSync(file, "utf8"), shown) : undefined;
      const changes = diffLock(previous?.mailboxes ?? [], lock.mailboxes);
      if (opts.check) {
        if (!previous) {
          process.stderr.write(`${shown} does not exist; run \`npx oxmig lock --stack ${opts.stack}\`\n`);
          process.exitCode = 1;
          return;
        }
        const phaseDrift = JSON.stringify(previous.waves) !== JSON.stringify(lock.waves);
        if (changes.length || phaseDrift) {
          process.stderr.write(`${shown} is out of date (${changes.length} mailbox changes${phaseDrift ? ", wave phases changed" : ""}):\n${changes.map(describe).join("\n")}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${shown} is up to date (${lock.mailboxes.length} mailboxes)\n`);
        return;
      }
      fs.writeFileSync(file, renderLock(lock));
      process.stdout.write(`wrote ${shown}: ${lock.mailboxes.length} mailboxes, ${changes.length} changes\n${changes.map(describe).join("\n")}${changes.length ? "\n" : ""}`);
    });
}
