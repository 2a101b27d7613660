// The lock format (version 2, version 1 read transparently) and the history `oxmig lock` carries forward.
import { describe, expect, it } from "vitest";
import { parseLock, renderLock, type BindingLock, type LockEntry } from "@oxmig/core/lock";
import { diffLock } from "@oxmig/core/lock-diff";
import { advanceLock, mergeHistory, type MailboxDeclaration } from "@oxmig/core/lock-history";

const entry = (id: string, over: Partial<LockEntry> = {}): LockEntry => ({
  mailbox: id,
  kind: "personal",
  wave: "w01",
  context: "luebeck",
  owner: { id, uid: `u${id}` },
  source: { address: `${id}@src.example`, exchangeGuid: `guid-${id}` },
  login: `u${id}`,
  home: `/var/vmail/${id}`,
  key: { name: `key-${id}`, keeper: id },
  addresses: [`${id}@example.org`],
  ...over,
});

const lock = (mailboxes: LockEntry[], over: Partial<BindingLock> = {}): BindingLock => ({
  lockVersion: 2,
  stack: "s",
  contexts: {},
  waves: {},
  mailboxes,
  retired: [],
  ...over,
});
const decl = (wave: string, over: Partial<MailboxDeclaration> = {}): MailboxDeclaration => ({ wave, line: 7, ...over });
const advance = (fresh: BindingLock, previous: BindingLock | undefined, declarations: Record<string, MailboxDeclaration> = {}) =>
  advanceLock(fresh, previous, new Map(Object.entries(declarations)));

describe("lock format", () => {
  it("reads a version-1 lock with each mailbox at its wave's phase", () => {
    const v1 =
      "lockVersion: 1\nstack: s\nwaves:\n  w01: {phase: cut-over}\nmailboxes:\n" +
      "  - {mailbox: a, kind: personal, wave: w01, context: c, source: {address: a@x, exchangeGuid: g}, login: a, home: /h/a, key: {name: key-a, keeper: a}, addresses: [a@x]}\n";
    const parsed = parseLock(v1, "v1.yaml");
    expect(parsed.lockVersion).toBe(2);
    expect(parsed.mailboxes[0]!.phase).toBe("cut-over");
    expect(parsed.contexts).toEqual({});
  });
  it("round-trips a version-2 lock unchanged", () => {
    const l = lock([entry("a", { phase: "cut-over", phaseReason: "r" })], { contexts: { luebeck: { id: 101 } }, retired: [entry("b", { phase: "done" })] });
    const text = renderLock(l);
    expect(renderLock(parseLock(text, "l.yaml"))).toBe(text);
  });
  it("rejects a version-2 entry without a phase", () => {
    expect(() => parseLock(renderLock({ ...lock([entry("a")]), lockVersion: 3 }), "l.yaml")).toThrow(/lockVersion/);
  });
  it("diffLock compares uids in one spelling and ignores the history fields", () => {
    const was = entry("a", { owner: { id: "a", uid: "MMueller" }, phase: "copying" });
    expect(diffLock([was], [entry("a", { owner: { id: "a", uid: "mmueller" }, phase: "cut-over" })])).toEqual([]);
    expect(diffLock([was], [entry("a", { owner: { id: "a", uid: "jschmidt" } })])[0]?.fields.map((f) => f.field)).toEqual(["owner"]);
  });
});

describe("diffLock: mailboxes pair by source, as the plan keys them", () => {
  const kinds = (changes: ReturnType<typeof diffLock>) => changes.map((c) => [c.change, c.locked?.mailbox, c.declared?.mailbox]);
  const withSource = (id: string, of: string) => entry(id, { source: { address: `${of}@src.example`, exchangeGuid: `guid-${of}` } });
  it("a swap of two owners is two re-bindings, each from one person to the other", () => {
    expect(kinds(diffLock([entry("a"), entry("b")], [withSource("b", "a"), withSource("a", "b")]))).toEqual([
      ["rebound", "a", "b"],
      ["rebound", "b", "a"],
    ]);
  });
  it("a source handed to a person who already has one (the homonym trap) is a re-binding, not removed + added, and keeps both entries of the doubled id", () => {
    const changes = diffLock([entry("a"), entry("b")], [withSource("b", "a"), entry("b")]);
    expect(kinds(changes)).toEqual([["rebound", "a", "b"]]);
    expect(changes[0]!.fields.map((f) => f.field)).toEqual(expect.arrayContaining(["mailbox", "owner"]));
  });
  it("the same person with another source is a change of source; new and dropped sources are added and removed, re-bindings first", () => {
    const changes = diffLock([entry("a"), entry("gone")], [entry("new"), withSource("a", "other")]);
    expect(kinds(changes)).toEqual([
      ["changed", "a", "a"],
      ["added", undefined, "new"],
      ["removed", "gone", undefined],
    ]);
    expect(changes[0]!.fields.map((f) => f.field)).toEqual(["source"]);
  });
});

describe("parseLock refuses one mailbox id twice", () => {
  it("names the file, the id and both entries with their lines, active or retired", () => {
    const text = renderLock(
      lock([entry("a"), entry("b")], { retired: [entry("a", { phase: "done", source: { address: "x@src.example", exchangeGuid: "gx" } })] }),
    );
    expect(() => parseLock(text, "l.yaml")).toThrow(
      /^l\.yaml: line \d+: mailbox id a appears in 2 entries: mailboxes\[0\] \(line \d+: source a@src\.example, owner ua\) and retired\[0\] \(line \d+: source x@src\.example, owner ua\)/,
    );
  });
});

describe("advanceLock: phases follow the mailbox id", () => {
  it("records one forward step and carries the phase across a wave move", () => {
    const previous = lock([entry("a", { phase: "copying" })]);
    const { lock: next, refusals } = advance(lock([entry("a", { wave: "w09", phase: "cut-over" })]), previous, { a: decl("w09") });
    expect(refusals).toEqual([]);
    expect(next.mailboxes[0]).toMatchObject({ wave: "w09", phase: "cut-over" });
  });
  it("refuses a backward move (wave move, rename) without phaseRollback, and records it with one", () => {
    const previous = lock([entry("a", { phase: "cut-over" })]);
    const fresh = lock([entry("a", { wave: "w02", phase: "copying" })]);
    expect(advance(fresh, previous, { a: decl("w02") }).refusals[0]?.problem).toMatch(/moves back from cut-over to copying; this needs `phaseRollback/);
    const ok = advance(fresh, previous, { a: decl("w02", { phaseRollback: "failed" }) });
    expect(ok.refusals).toEqual([]);
    expect(ok.lock.mailboxes[0]).toMatchObject({ phase: "copying", phaseReason: "failed" });
  });
  it("refuses copying → done and a never-copied mailbox at cut-over without phaseSkip", () => {
    const previous = lock([entry("a", { phase: "copying" })]);
    const fresh = lock([entry("a", { phase: "done" }), entry("n", { phase: "cut-over" })]);
    const problems = advance(fresh, previous, { a: decl("w01"), n: decl("w01") }).refusals.map((r) => r.problem);
    expect(problems).toEqual([expect.stringMatching(/jumps from copying to done, skipping cut-over/), expect.stringMatching(/was never copied/)]);
    expect(advance(fresh, previous, { a: decl("w01", { phaseSkip: "s" }), n: decl("w01", { phaseSkip: "s" }) }).refusals).toEqual([]);
  });
  it("a mailbox leaving the plan is retired with its phase, and comes back with it", () => {
    const previous = lock([entry("a", { phase: "cut-over" }), entry("b", { phase: "copying" })]);
    const gone = advance(lock([entry("b", { phase: "copying" })]), previous, { b: decl("w01") }).lock;
    expect(gone.retired?.map((e) => [e.mailbox, e.phase])).toEqual([["a", "cut-over"]]);
    expect(
      advance(lock([entry("a", { phase: "copying" }), entry("b", { phase: "copying" })]), gone, { a: decl("w01"), b: decl("w01") }).refusals[0]?.problem,
    ).toMatch(/moves back from cut-over/);
  });
});

describe("advanceLock: identity of migrated mailboxes", () => {
  const migrated = lock([entry("a", { phase: "cut-over" })]);
  const recreated = entry("a2", {
    owner: { id: "a2", uid: "ua" },
    source: { address: "a@src.example", exchangeGuid: "guid-a" },
    addresses: ["a@example.org"],
    phase: "cut-over",
  });
  it("refuses a new id carrying a cut-over mailbox's source (re-created entry) without rekey", () => {
    const { refusals } = advance(lock([recreated]), migrated, { a2: decl("w01") });
    expect(refusals.map((r) => r.problem)).toEqual([
      expect.stringMatching(
        /changes the home, key of mailbox a@example\.org \(a, phase cut-over; same Exchange source, source address, primary address, owner uid\).*`rekey: "<reason>"`/,
      ),
    ]);
  });
  it("records a reviewed rekey: the new id continues the phase and names what it replaces", () => {
    const { lock: next, refusals } = advance(lock([recreated]), migrated, { a2: decl("w01", { rekey: "re-created" }) });
    expect(refusals).toEqual([]);
    expect(next.mailboxes[0]).toMatchObject({ mailbox: "a2", phase: "cut-over", rekey: "re-created", replaces: ["a"] });
    expect(next.retired?.map((e) => e.mailbox)).toEqual(["a"]);
  });
  it("refuses a changed source under the same id without rebind", () => {
    const fresh = lock([entry("a", { source: { address: "a@src.example", exchangeGuid: "other" }, phase: "cut-over" })]);
    expect(advance(fresh, migrated, { a: decl("w01") }).refusals[0]?.problem).toMatch(/changes the source .*`rebind: "<reason>"`/);
    expect(advance(fresh, migrated, { a: decl("w01", { rebind: "r" }) }).refusals).toEqual([]);
  });
  it("refuses a changed context id once the context has a cut-over mailbox; allows it while copying", () => {
    const previous = lock([entry("a", { phase: "cut-over" })], { contexts: { luebeck: { id: 101 } } });
    const fresh = lock([entry("a", { phase: "cut-over" })], { contexts: { luebeck: { id: 102 } } });
    expect(advance(fresh, previous, { a: decl("w01") }).refusals[0]?.problem).toMatch(/context luebeck: its OX context id changes from 101 to 102/);
    const copying = lock([entry("a", { phase: "copying" })], { contexts: { luebeck: { id: 101 } } });
    expect(advance(lock([entry("a", { phase: "copying" })], { contexts: { luebeck: { id: 102 } } }), copying, { a: decl("w01") }).refusals).toEqual([]);
  });
});

describe("mergeHistory", () => {
  it("keeps the furthest phase of the working-tree and the committed lock, and entries only git still has", () => {
    const current = lock([entry("a", { phase: "copying" })]);
    const committed = lock([entry("a", { phase: "cut-over" }), entry("z", { phase: "done" })], { contexts: { luebeck: { id: 101 } } });
    const merged = mergeHistory(current, committed)!;
    expect(merged.mailboxes[0]!.phase).toBe("cut-over");
    expect(merged.retired?.map((e) => e.mailbox)).toEqual(["z"]);
    expect(merged.contexts).toEqual({ luebeck: { id: 101 } });
  });
});
