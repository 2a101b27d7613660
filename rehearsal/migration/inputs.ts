// The rendered inputs of one rehearsal run, exactly what production renders from the bindings:
// the target userdb (core/userdb), the pairings per wave (core/pairings, what each Job gets) and
// the MTA's routing table. Faults (faults.ts) transform these and nothing else.
import type { Pairing } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";
import { pairingsByWave } from "@oxmig/core/pairings";
import type { UserdbLine } from "@oxmig/core/userdb";
import { rehearsalKeyPassword } from "./keys";

export interface RunInputs {
  /** Secret (key passwords): never print. */
  readonly userdbLines: readonly UserdbLine[];
  /** Wave name → pairings in plan order. */
  readonly pairings: ReadonlyMap<string, readonly Pairing[]>;
  /** Normalised address → the Dovecot login the MTA delivers it to. */
  readonly routes: ReadonlyMap<string, string>;
}

/** mailboxId → key password, as the key resources would hold them. Secret. */
export function keyPasswordsFor(bindings: readonly Binding[], runSecret: Buffer): Map<string, string> {
  return new Map(bindings.map((b) => [b.mailboxId, rehearsalKeyPassword(b.mailboxId, runSecret)]));
}

export function renderRunInputs(bindings: readonly Binding[], runSecret: Buffer): RunInputs {
  const keys = keyPasswordsFor(bindings, runSecret);
  return {
    userdbLines: bindings.map((b) => ({ login: b.dovecotLogin, home: b.home, keyPassword: keys.get(b.mailboxId)! })),
    pairings: pairingsByWave(bindings),
    routes: new Map(bindings.flatMap((b) => b.addresses.map((a) => [a.normalised, b.dovecotLogin] as const))),
  };
}
