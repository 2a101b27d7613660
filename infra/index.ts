// The Pulumi program: config → inventory → bindings → resources.
// Entry for the Pulumi CLI (Pulumi.yaml `main: infra/index.ts`, TypeScript loaded by tsx through
// `nodeargs`, because the SDK's vendored ts-node 7 cannot compile this TypeScript 6 / nodenext
// project) and for the gate, which requires this module after installing its mocks.
import { resolveBindings } from "@oxmig/core/bindings";
import { selectFromPlan } from "@oxmig/core/stack-selection";
import { readAdoptionFile } from "../io/adoption-file";
import { readInventory } from "../io/inventory";
import { readStackConfig } from "./config";
import { declareMigrationStack } from "./components/migration-stack";
import { adoptionTargets } from "./ox/adoption";
import { fromProjectRoot } from "./project-root";

const config = readStackConfig();
// Bad input throws InputError here; the gate maps it to exit 2.
const inventory = readInventory(fromProjectRoot(config.inventory));
// One selection for the components and the bindings, read as the gate and every command read it.
const selection = selectFromPlan(inventory.plan, config.selection, `Pulumi.${config.stack}.yaml`);
const bindings = resolveBindings(inventory, { ...config.selection, mailRoot: config.mailRoot });

// Existing OX users taken over by evidence (docs/adoption.md): mailbox id → OX user id, checked against the bindings.
const adoptions = config.adoptions
  ? adoptionTargets(readAdoptionFile(fromProjectRoot(config.adoptions), config.stack, config.adoptions), bindings, config.adoptions)
  : new Map<string, number>();

/** Mailboxes per OX context in this stack. */
export const mailboxesPerContext = declareMigrationStack(config, selection, bindings, adoptions);
export const mailboxCount = bindings.length;
