// The corrected re-migration of re-paired mailboxes after the cleanup, the way production does it: the
// corrected plan lines carry `remigrate:`, so the wave's Job (its rendered migrate.sh, run index by index
// as the Indexed Job's pods run it) imports into each re-paired target what its rightful source holds and
// it lacks, computed in the pod (core/migration-script.ts remigrate_pair), and syncs the other pairs from
// their saved state. Why neither backup -R nor sync -1 -R can do it (checked on Dovecot 2.3.19):
// docs/incident.md, "4–5".
import type { Binding } from "@oxmig/core/model";
import { pairingOf } from "@oxmig/core/pairings";
import type { PairResult } from "../migration/migrate";

/** The wave as its corrected plan declares it: the re-paired mailboxes carry `remigrate: <reason>`. */
export function withRemigrate(wave: readonly Binding[], repaired: ReadonlySet<string>, reason: string): Binding[] {
  return wave.map((b) => (repaired.has(b.dovecotLogin) ? { ...b, remigrate: reason } : b));
}

/** The wave's Job table for the corrected plan (re-paired pairs are imports, the others cut-over syncs). */
export const jobPairings = (wave: readonly Binding[]) => wave.map(pairingOf);

/** Messages a re-migration's pod reported importing ("… imported N message(s) …"); undefined when it did not say. */
export function importedBy(result: PairResult): number | undefined {
  const found = /imported (\d+) message\(s\)/.exec(result.stdout ?? "");
  return found ? Number(found[1]) : undefined;
}

/** Sum of what the re-migrating pods imported; a re-migration pod that succeeded without saying how much is a problem. */
export function importedTotal(results: readonly PairResult[], problems: string[], readerOf: (login: string) => string): number {
  let total = 0;
  for (const r of results.filter((x) => x.label === "import" && x.ok)) {
    const n = importedBy(r);
    if (n === undefined) problems.push(`the re-migration of the mailbox of ${readerOf(r.pairing.targetLogin)} did not say how many messages it imported`);
    else total += n;
  }
  return total;
}
