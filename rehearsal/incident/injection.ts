// The incident drill's deliberate mistake: in one wave, the sources of pairs of mailboxes are crossed,
// as a plan with two owners swapped would cross them if it got past the gate. Pure: which mailboxes,
// which wrong pairings, and what the audit must therefore find.
import type { Pairing } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";
import { pairingOf } from "@oxmig/core/pairings";

/** Crossed pairs per wave: three swaps are six affected mailboxes, enough to show several people at once. */
export const SWAPS_PER_WAVE = 3;

export interface Swap {
  readonly a: Binding;
  readonly b: Binding;
}

/** One target that receives a source that is not its own. */
export interface Misbinding {
  readonly target: Binding;
  /** The mailbox whose source the target wrongly receives. */
  readonly sourceOf: Binding;
}

/**
 * Deterministic: the first personal mailboxes of the wave in plan order, taken two by two (1st with
 * 2nd, 3rd with 4th, …), at most `max` swaps. A wave with fewer than two personal mailboxes crosses its
 * first two mailboxes of any kind (shared, room, equipment); a wave of one mailbox gets no swap.
 */
export function chooseSwaps(wave: readonly Binding[], max = SWAPS_PER_WAVE): Swap[] {
  const ordered = [...wave].sort((x, y) => x.planLine - y.planLine);
  const personal = ordered.filter((b) => b.kind === "personal");
  const candidates = personal.length >= 2 ? personal : ordered;
  const swaps: Swap[] = [];
  for (let i = 0; i + 1 < candidates.length && swaps.length < max; i += 2) swaps.push({ a: candidates[i]!, b: candidates[i + 1]! });
  return swaps;
}

export function misbindingsOf(swaps: readonly Swap[]): Misbinding[] {
  return swaps.flatMap(({ a, b }) => [
    { target: a, sourceOf: b },
    { target: b, sourceOf: a },
  ]);
}

/** The wave's pairings with the swapped sources crossed (targets, ids and order unchanged). */
export function wrongPairings(wave: readonly Binding[], swaps: readonly Swap[]): Pairing[] {
  const crossed = new Map(misbindingsOf(swaps).map((m) => [m.target.mailboxId, m.sourceOf]));
  return wave.map((b) => {
    const other = crossed.get(b.mailboxId);
    const right = pairingOf(b);
    return other ? { ...right, sourceLogin: other.source.login, sourceExchangeGuid: other.source.exchangeGuid } : right;
  });
}
