import { toAddress } from "./address";
import { InputError } from "./errors";
import { DEFAULT_MAIL_ROOT, homeFor, keyNameFor } from "./ids";
import { LOGIN_GRAMMAR, loginProblem } from "./login";
import type { Address, Binding, Inventory, MailboxKind, Person, PlanMailbox, SourceMailbox, Wave } from "./model";
import { waveSelected, type SelectionFilter } from "./stack-selection";

/** Which waves (a stack's selection, core/stack-selection.ts) and where homes live (default /var/vmail). */
export interface ResolveOptions extends SelectionFilter {
  readonly mailRoot?: string;
}

const LOGIN_PREFIX: Record<Exclude<MailboxKind, "personal">, string> = {
  shared: "shared-",
  room: "room-",
  equipment: "equipment-",
};

/**
 * Resolves every planned mailbox into its binding chain. Throws InputError for references that
 * cannot be resolved at all (unknown or ambiguous owner, unknown source); identity mismatches
 * (wrong person, foreign alias, disabled owner, …) are resolved as declared and left to the policies.
 */
export function resolveBindings(inventory: Inventory, options: ResolveOptions = {}): Binding[] {
  const mailRoot = options.mailRoot ?? DEFAULT_MAIL_ROOT;
  const lookup = indexInventory(inventory);
  const waves = inventory.plan.waves.filter((w) => waveSelected(w, options));
  const bindings: Binding[] = [];
  for (const wave of waves) {
    for (const entry of wave.mailboxes) {
      const at = `line ${entry.line} (wave ${wave.name}, source ${entry.source})`;
      const fail = (problem: string): never => {
        throw new InputError(inventory.files.plan, at, problem);
      };
      const source = lookup.source(entry.source, fail);
      for (const uid of entry.delegates) lookup.person(uid, `delegate "${uid}"`, fail);
      const extra = entry.aliases.map((raw) => parseAlias(raw, fail));
      // An unknown owner is the owner: line's mistake: point there, not at the entry's source: line.
      const failAtOwner = (problem: string): never => {
        throw new InputError(inventory.files.plan, `line ${entry.ownerLine ?? entry.line} (wave ${wave.name}, source ${entry.source})`, problem);
      };
      const owner = entry.kind === "personal" ? lookup.person(entry.owner ?? "", `owner "${entry.owner}"`, failAtOwner) : undefined;
      const binding = owner ? personalBinding(wave, entry, source, owner, extra, mailRoot) : functionalBinding(wave, entry, source, extra, mailRoot);
      const origin = owner
        ? `the directory uid "${owner.uid}" (${inventory.files.directory} line ${owner.line})`
        : `the Exchange Alias "${source.alias}" (${inventory.files.exchange} line ${source.line})`;
      requireLiteralLogins(binding, origin, fail);
      bindings.push(binding);
    }
  }
  return bindings;
}

function personalBinding(wave: Wave, entry: PlanMailbox, source: SourceMailbox, owner: Person, extra: Address[], mailRoot: string): Binding {
  const primary = owner.mail ?? source.primarySmtp;
  const login = owner.uid.toLowerCase();
  return {
    ...common(wave, entry, source, owner.immutableId, mailRoot),
    owner: { uid: owner.uid, immutableId: owner.immutableId, displayName: owner.displayName, ou: owner.ou, dn: owner.dn },
    displayName: owner.displayName,
    oxName: login,
    imapLogin: login,
    dovecotLogin: login,
    primaryAddress: primary,
    addresses: uniqueAddresses([primary, ...owner.aliases, ...extra]),
  };
}

function functionalBinding(wave: Wave, entry: PlanMailbox, source: SourceMailbox, extra: Address[], mailRoot: string): Binding {
  const login = `${LOGIN_PREFIX[entry.kind as Exclude<MailboxKind, "personal">]}${source.alias.toLowerCase()}`;
  return {
    ...common(wave, entry, source, source.exchangeGuid, mailRoot),
    displayName: source.displayName,
    oxName: login,
    imapLogin: login,
    dovecotLogin: login,
    primaryAddress: source.primarySmtp,
    addresses: uniqueAddresses([source.primarySmtp, ...source.addresses, ...extra]),
  };
}

function common(wave: Wave, entry: PlanMailbox, source: SourceMailbox, mailboxId: string, mailRoot: string) {
  return {
    mailboxId,
    kind: entry.kind,
    wave: wave.name,
    context: wave.context,
    planLine: entry.line,
    home: homeFor(mailboxId, mailRoot),
    keyName: keyNameFor(mailboxId),
    delegates: entry.delegates,
    source: {
      address: source.primarySmtp,
      exchangeGuid: source.exchangeGuid,
      ownerGuid: source.ownerGuid,
      login: source.userPrincipalName,
      type: source.type,
    },
    ...(entry.contextException ? { contextException: entry.contextException } : {}),
    ...(entry.contain ? { contain: entry.contain } : {}),
    ...(entry.remigrate ? { remigrate: entry.remigrate } : {}),
  };
}

/** Refuses a login that Dovecot, doveadm or OX would read as more than itself (core/login.ts). */
function requireLiteralLogins(binding: Binding, origin: string, fail: (problem: string) => never): void {
  for (const login of new Set([binding.dovecotLogin, binding.imapLogin, binding.oxName])) {
    const problem = loginProblem(login);
    if (problem) fail(`login "${login}" from ${origin} is not a literal login: ${problem} (logins: ${LOGIN_GRAMMAR})`);
  }
}

function parseAlias(raw: string, fail: (problem: string) => never): Address {
  try {
    return toAddress(raw);
  } catch (err) {
    return fail(`alias: ${(err as Error).message}`);
  }
}

/** Primary first, then each further address once (compared normalised, first spelling kept). */
export function uniqueAddresses(addresses: readonly Address[]): Address[] {
  const seen = new Set<string>();
  return addresses.filter((a) => !seen.has(a.normalised) && seen.add(a.normalised));
}

function indexInventory(inventory: Inventory) {
  const byUid = new Map<string, Person[]>();
  for (const p of inventory.people) {
    const key = p.uid.toLowerCase();
    byUid.set(key, [...(byUid.get(key) ?? []), p]);
  }
  const byPrimary = new Map<string, SourceMailbox>();
  const byAnyAddress = new Map<string, SourceMailbox>();
  for (const s of inventory.sources) {
    byPrimary.set(s.primarySmtp.normalised, s);
    for (const a of s.addresses) byAnyAddress.set(a.normalised, s);
  }
  return {
    person(uid: string, role: string, fail: (problem: string) => never): Person {
      const found = byUid.get(uid.toLowerCase()) ?? [];
      if (found.length === 0) return fail(`${role} is not in the directory (${inventory.files.directory})`);
      if (found.length > 1) {
        return fail(`${role} matches ${found.length} directory entries (${found.map((p) => `line ${p.line}`).join(", ")}); uids must be unique`);
      }
      return found[0]!;
    },
    source(raw: string, fail: (problem: string) => never): SourceMailbox {
      let normalised: string;
      try {
        normalised = toAddress(raw).normalised;
      } catch (err) {
        return fail(`source: ${(err as Error).message}`);
      }
      const hit = byPrimary.get(normalised);
      if (hit) return hit;
      const secondary = byAnyAddress.get(normalised);
      if (secondary) {
        return fail(
          `source is a secondary address of the Exchange mailbox ${secondary.primarySmtp.display} (${inventory.files.exchange} line ${secondary.line}); name its PrimarySmtpAddress`,
        );
      }
      return fail(`source is not a PrimarySmtpAddress in ${inventory.files.exchange}`);
    },
  };
}
