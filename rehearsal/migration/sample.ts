// `--sample N`: a smaller rehearsal that still spans every wave (evenly spaced over plan order)
// and always keeps the mailboxes a fault names.
import type { Binding } from "@oxmig/core/model";

export function sampleBindings(bindings: readonly Binding[], size: number, keep: ReadonlySet<string> = new Set()): Binding[] {
  if (size >= bindings.length) return [...bindings];
  const rest = bindings.filter((b) => !keep.has(b.mailboxId));
  const wanted = Math.max(0, size - (bindings.length - rest.length));
  const step = rest.length / Math.max(wanted, 1);
  const chosen = new Set([...keep, ...Array.from({ length: wanted }, (_, i) => rest[Math.floor(i * step)]!.mailboxId)]);
  return bindings.filter((b) => chosen.has(b.mailboxId));
}
