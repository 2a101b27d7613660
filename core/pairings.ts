// Binding → migration pairing: which source login is copied into which target login.
// Derived only from the resolved bindings, so the Job copies exactly what the gate checked.
import type { Pairing } from "./contract";
import type { Binding } from "./model";

/** The pairing of one binding: source `imapc_user` and target Dovecot login. */
export function pairingOf(binding: Binding): Pairing {
  return {
    mailboxId: binding.mailboxId,
    sourceLogin: binding.source.login,
    sourceExchangeGuid: binding.source.exchangeGuid,
    targetLogin: binding.dovecotLogin,
    ...(binding.remigrate ? { remigrate: binding.remigrate } : {}),
  };
}

/** Pairings grouped by wave name, in plan order within each wave. */
export function pairingsByWave(bindings: readonly Binding[]): Map<string, Pairing[]> {
  const byWave = new Map<string, Pairing[]>();
  for (const binding of bindings) {
    const list = byWave.get(binding.wave) ?? [];
    list.push(pairingOf(binding));
    byWave.set(binding.wave, list);
  }
  return byWave;
}
