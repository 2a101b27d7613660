// plan.yaml → Plan. js-yaml reads (and rejects duplicate keys), zod checks the shape,
// the checks below the shape need the whole plan (unique names, declared contexts).
import { constructFromEvents, parseEvents, YAMLException } from "js-yaml";
import { z } from "zod";
import { addressProblem, normaliseAddress } from "./address";
import { InputError, InputErrors } from "./errors";
import type { ContextSpec, MailboxKind, Plan, PlanMailbox, Wave } from "./model";
import { formatPath, lineOf, yamlLines, type YamlPath } from "./plan-lines";
import { forbiddenCharacterProblem } from "./text";

const NAME = /^[a-z0-9][a-z0-9-]*$/;
/** Names that match NAME but are properties of every JavaScript object: a lookup by them finds Object's, not ours. */
const RESERVED_NAMES = new Set(["constructor", "prototype"]);
const KINDS = ["owner", "shared", "room", "equipment"] as const;
const KIND_OF: Record<(typeof KINDS)[number], MailboxKind> = { owner: "personal", shared: "shared", room: "room", equipment: "equipment" };

/** A strict object whose unknown-key error lists the allowed keys. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")} (allowed keys: ${allowed})` : undefined),
  });
}

const name = (what: string) =>
  z
    .string()
    .regex(NAME, { error: `${what} must be lower-case letters, digits and "-", starting with a letter or digit` })
    .refine((value) => !RESERVED_NAMES.has(value), { error: `${what} must not be ${[...RESERVED_NAMES].map((n) => `"${n}"`).join(" or ")} (reserved)` });
const uid = z.string().regex(/^\S+$/, { error: "a directory uid must be non-empty without spaces" });
const address = z.string().superRefine((value, ctx) => {
  const problem = addressProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const access = strict({ delegates: z.array(uid).optional() }).nullable();

const CONTAIN_REASON = 'contain must give a reason, the incident reference (e.g. contain: "INC-2026-0042: holds foreign mail")';
const REMIGRATE_REASON = 'remigrate must give a reason, the incident reference (e.g. remigrate: "INC-2026-0042: corrected pairing, cleaned 2026-12-03")';

const mailboxSchema = strict({
  source: address,
  owner: uid.optional(),
  shared: access.optional(),
  room: access.optional(),
  equipment: access.optional(),
  aliases: z.array(address).optional(),
  contextException: z.string().trim().min(1, { error: "contextException must give a reason" }).optional(),
  rebind: z.string().trim().min(1, { error: "rebind must give a reason" }).optional(),
  rekey: z.string().trim().min(1, { error: "rekey must give a reason" }).optional(),
  // Blocks the owner's login (docs/incident.md, "Contain"); the reason names the incident for the lock and the review.
  contain: z.string({ error: CONTAIN_REASON }).trim().min(1, { error: CONTAIN_REASON }).optional(),
  // The wave's Job imports what the target lacks from this (corrected) source (docs/incident.md, "4–5").
  remigrate: z.string({ error: REMIGRATE_REASON }).trim().min(1, { error: REMIGRATE_REASON }).optional(),
}).superRefine((mailbox, ctx) => {
  const declared = kindsOf(mailbox);
  if (declared.length !== 1) {
    ctx.addIssue({ code: "custom", message: `a mailbox needs exactly one of ${KINDS.join(", ")}; found ${declared.join(", ") || "none"}` });
  }
});

function kindsOf(mailbox: Partial<Record<(typeof KINDS)[number], unknown>>): (typeof KINDS)[number][] {
  return KINDS.filter((k) => mailbox[k] !== undefined);
}

/** Upper bound of a wave's `parallelism` (infra/migration-settings.ts MAX_PARALLELISM repeats it for the stack default). */
export const MAX_WAVE_PARALLELISM = 100;

const waveSchema = strict({
  name: name("a wave name"),
  context: name("a context name"),
  phase: z.enum(["copying", "cut-over", "done"]).default("copying"),
  canaries: z.boolean().optional(),
  phaseRollback: z.string().trim().min(1, { error: "phaseRollback must give a reason" }).optional(),
  phaseSkip: z.string().trim().min(1, { error: "phaseSkip must give a reason" }).optional(),
  // Bounded: every mailbox copied at once is another IMAP session of the master user at Exchange (docs/program.md).
  parallelism: z
    .number()
    .int({ error: "parallelism must be a whole number of mailboxes" })
    .min(1, { error: "parallelism must be at least 1" })
    .max(MAX_WAVE_PARALLELISM, { error: `parallelism must be at most ${MAX_WAVE_PARALLELISM}` })
    .optional(),
  mailboxes: z.array(mailboxSchema).min(1, { error: "a wave needs at least one mailbox" }),
}).superRefine((wave, ctx) => {
  // A done wave has no Job, so nothing would import: the re-migration needs the wave's Job back (docs/incident.md, 4–5).
  if (wave.phase !== "done") return;
  wave.mailboxes.forEach((m, i) => {
    if (m.remigrate !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["mailboxes", i, "remigrate"],
        message:
          'remigrate needs the wave\'s migration Job, which a wave in phase done does not have: set the wave back to phase cut-over with phaseRollback: "<reason>" (its other mailboxes then only sync from their saved state) and forward to done once the re-migration is verified',
      });
  });
});

const contextSchema = strict({
  id: z.number().int().positive().optional(),
  organisation: z.string().min(1).optional(),
}).nullable();

const planSchema = strict({
  contexts: z.record(name("a context name"), contextSchema).optional(),
  waves: z.array(waveSchema),
});

type RawPlan = z.infer<typeof planSchema>;
type RawMailbox = z.infer<typeof mailboxSchema>;
type Fail = (path: YamlPath, problem: string) => void;

/** Parses plan.yaml; throws InputError (one problem) or InputErrors (several). */
export function parsePlan(text: string, file: string): Plan {
  const { value, lines } = readYaml(text, file);
  const errors: InputError[] = [];
  const fail: Fail = (path, problem) =>
    errors.push(new InputError(file, `line ${lineOf(lines, path)}`, path.length > 0 ? `${formatPath(path)}: ${problem}` : problem));
  checkKeysAndText(value, [], fail);
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new InputErrors(errors);
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
      // A record key's own message ("a context name must be …") instead of zod's "Invalid key in record".
      const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      fail(keys.length === 1 ? [...(issue.path as YamlPath), keys[0]!] : (issue.path as YamlPath), message);
    }
  }
  const plan = parsed.success ? toPlan(parsed.data, lines, fail) : undefined;
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new InputErrors(errors);
  return plan!;
}

/**
 * Before the shape is checked: a `__proto__` key (js-yaml keeps it as an own key, but zod's records
 * drop it silently) and characters no name or reason may hold (YAML escapes such as "\x07" reach
 * here; they would end up in OX's XML, the lock and review comments).
 */
function checkKeysAndText(value: unknown, path: YamlPath, fail: Fail): void {
  if (typeof value === "string") {
    const problem = forbiddenCharacterProblem(value);
    if (problem) fail(path, `the value ${problem}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkKeysAndText(item, [...path, i], fail));
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const problem =
        key === "__proto__"
          ? 'the key "__proto__" is not allowed (JavaScript reads it as the prototype, so the entry would be lost)'
          : forbiddenCharacterProblem(key);
      if (problem) fail([...path, key], key === "__proto__" ? problem : `the key ${problem}`);
      else checkKeysAndText((value as Record<string, unknown>)[key], [...path, key], fail);
    }
  }
}

function readYaml(text: string, file: string): { value: unknown; lines: Map<string, number> } {
  try {
    const events = parseEvents(text, { filename: file });
    const lines = yamlLines(events, text);
    const documents = constructFromEvents(events, { source: text, filename: file });
    if (documents.length === 0 || documents[0] === null) {
      throw new InputError(file, undefined, 'the plan is empty; expected a mapping with "waves:" (and optionally "contexts:")');
    }
    if (documents.length > 1) throw new InputError(file, undefined, "the plan holds several YAML documents (---); keep one");
    return { value: documents[0], lines };
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    throw new InputError(file, err.mark ? `line ${err.mark.line + 1}` : undefined, err.reason);
  }
}

function toPlan(raw: RawPlan, lines: Map<string, number>, fail: Fail): Plan {
  const contexts: ContextSpec[] = Object.entries(raw.contexts ?? {}).map(([contextName, spec]) => ({
    name: contextName,
    ...(spec?.id !== undefined ? { id: spec.id } : {}),
    organisation: spec?.organisation ?? contextName,
  }));
  const waves = raw.waves.map((wave, w) => toWave(wave, w, lines));
  checkUnique(
    waves.map((wave, w) => ({ key: wave.name, path: ["waves", w, "name"] })),
    "wave name",
    lines,
    fail,
  );
  const sources = waves.flatMap((wave, w) => wave.mailboxes.map((m, i) => ({ key: normaliseAddress(m.source), path: ["waves", w, "mailboxes", i, "source"] })));
  checkUnique(sources, "mailbox source", lines, fail);
  checkUnique(
    contexts.filter((c) => c.id !== undefined).map((c) => ({ key: String(c.id), path: ["contexts", c.name, "id"] })),
    "context id",
    lines,
    fail,
  );
  if (raw.contexts) {
    const declared = new Set(contexts.map((c) => c.name));
    waves.forEach((wave, w) => {
      if (!declared.has(wave.context))
        fail(["waves", w, "context"], `context "${wave.context}" is not declared under contexts: (declared: ${[...declared].join(", ") || "none"})`);
    });
    return { waves, contexts };
  }
  // Without a contexts section every wave's context stands for the organisation of the same name.
  const implicit = [...new Set(waves.map((w) => w.context))].map((c) => ({ name: c, organisation: c }));
  return { waves, contexts: implicit };
}

function toWave(raw: RawPlan["waves"][number], w: number, lines: Map<string, number>): Wave {
  const mailboxes = raw.mailboxes.map((m, i) => toMailbox(m, ["waves", w, "mailboxes", i], lines));
  return {
    name: raw.name,
    context: raw.context,
    phase: raw.phase,
    ...(raw.canaries !== undefined ? { canaries: raw.canaries } : {}),
    ...(raw.phaseRollback !== undefined ? { phaseRollback: raw.phaseRollback } : {}),
    ...(raw.phaseSkip !== undefined ? { phaseSkip: raw.phaseSkip } : {}),
    ...(raw.parallelism !== undefined ? { parallelism: raw.parallelism } : {}),
    mailboxes,
    line: lineOf(lines, ["waves", w]),
  };
}

function toMailbox(raw: RawMailbox, path: YamlPath, lines: Map<string, number>): PlanMailbox {
  const kindKey = kindsOf(raw)[0] ?? "owner";
  const delegates = kindKey === "owner" ? [] : (raw[kindKey]?.delegates ?? []);
  return {
    source: raw.source,
    kind: KIND_OF[kindKey],
    ...(raw.owner !== undefined && kindKey === "owner" ? { owner: raw.owner, ownerLine: lineOf(lines, [...path, "owner"]) } : {}),
    delegates,
    aliases: raw.aliases ?? [],
    ...(raw.contextException !== undefined ? { contextException: raw.contextException } : {}),
    ...(raw.rebind !== undefined ? { rebind: raw.rebind } : {}),
    ...(raw.rekey !== undefined ? { rekey: raw.rekey } : {}),
    ...(raw.contain !== undefined ? { contain: raw.contain } : {}),
    ...(raw.remigrate !== undefined ? { remigrate: raw.remigrate } : {}),
    line: lineOf(lines, path),
  };
}

function checkUnique(items: { key: string; path: YamlPath }[], what: string, lines: Map<string, number>, fail: Fail): void {
  const first = new Map<string, YamlPath>();
  for (const item of items) {
    const earlier = first.get(item.key);
    if (earlier) fail(item.path, `duplicate ${what} "${item.key}": also at line ${lineOf(lines, earlier)} (${formatPath(earlier)})`);
    else first.set(item.key, item.path);
  }
}
