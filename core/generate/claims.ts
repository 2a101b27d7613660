// First come, first served: uids and addresses are unique across the whole inventory,
// compared the way the parsers compare them (NFC, lower-case).

export interface Claims {
  /** Claims `render("")`, else `render("2")`, `render("3")`, … whichever is free first. */
  withSuffix(base: string, render: (suffix: string) => string): string;
  /** Claims `value` if free; false when someone has it already. */
  tryClaim(value: string): boolean;
}

export function newClaims(): Claims {
  const taken = new Set<string>();
  /** Next suffix to try per base, so that a thousand "Müller"s stay linear. */
  const nextSuffix = new Map<string, number>();
  const key = (value: string) => value.normalize("NFC").toLowerCase();
  const tryClaim = (value: string) => {
    if (taken.has(key(value))) return false;
    taken.add(key(value));
    return true;
  };
  return {
    tryClaim,
    withSuffix(base, render) {
      let n = nextSuffix.get(base) ?? 1;
      let candidate = render(n === 1 ? "" : String(n));
      while (!tryClaim(candidate)) candidate = render(String(++n));
      nextSuffix.set(base, n + 1);
      return candidate;
    },
  };
}
