// Lifecycle by mailbox and identity of migrated mailboxes, end to end (issue 16, classes 4, 6, 7, 9a).
// A copy of inventory/staging gets a history first (three waves moved to cut-over and relocked).
// Each harmful edit is then made to the inputs and `oxmig lock` is rerun: it refuses, naming the
// mailbox, so the lock keeps the history — and the gate rejects the edited inputs with a mandatory
// rule other than bindings-match-lock, naming the mailbox. Legitimate changes relock and pass.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silenced } from "../support/capture-output";
import { resolveBindings } from "@oxmig/core/bindings";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import { parseLock } from "@oxmig/core/lock";
import type { GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { readInventory } from "../../io/inventory";
import { copyStaging, ROOT } from "./support/inventory-mistakes";

const LOCK_RULE = "bindings-match-lock";
const CUT_OVER_WAVES = ["w01-fa-luebeck", "w03-fa-luebeck", "w01-im"];

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

const relock = (dir: string) => silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }));

/** plan.yaml / directory.ldif / exchange.csv of a copy, edited as text. */
class Inputs {
  constructor(readonly dir: string) {}
  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), "utf8");
  }
  edit(file: string, change: (text: string) => string): void {
    const before = this.read(file);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    fs.writeFileSync(path.join(this.dir, file), after);
  }
  setPhase(wave: string, phase: string, extra = ""): void {
    this.edit("plan.yaml", (t) => t.replace(new RegExp(`(  - name: ${wave}\\n    context: \\S+\\n)    phase: \\S+\\n`), `$1    phase: ${phase}\n${extra}`));
  }
  /** Cuts the mailbox block starting at `- source: <source>` and inserts it first in `wave`. */
  moveMailbox(source: string, wave: string): void {
    this.edit("plan.yaml", (t) => {
      const lines = t.split("\n");
      const start = lines.findIndex((l) => l.trim() === `- source: ${source}`);
      let end = start + 1;
      while (end < lines.length && /^ {8}\S/.test(lines[end]!)) end++;
      const block = lines.splice(start, end - start);
      const head = lines.findIndex((l) => l.trim() === `- name: ${wave}`);
      const at = lines.findIndex((l, i) => i > head && l.trim() === "mailboxes:");
      lines.splice(at + 1, 0, ...block);
      return lines.join("\n");
    });
  }
  /** A new hire in all three inputs. */
  addPerson(uid: string, name: [string, string], ou: string, entryUUID: string, exchangeGuid: string): string {
    const mail = `${name[0]}.${name[1]}@${ou}.example`.toLowerCase();
    this.edit(
      "directory.ldif",
      (t) =>
        `${t.trimEnd()}\n\ndn: uid=${uid},ou=${ou},ou=people,dc=land,dc=example\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: inetOrgPerson\nobjectClass: oxmigPerson\nuid: ${uid}\ncn: ${name.join(" ")}\ndisplayName: ${name.join(" ")}\ngivenName: ${name[0]}\nsn: ${name[1]}\nmail: ${mail}\nou: ${ou}\nentryUUID: ${entryUUID}\nuserAccountControl: 512\n`,
    );
    this.edit(
      "exchange.csv",
      (t) =>
        `${t}"${name.join(" ")}","${uid}","${uid}","${uid}@land.example","${mail}","SMTP:${mail}","${exchangeGuid}","UserMailbox","${exchangeGuid.replace(/^.{8}/, "0badc0de")}"\r\n`,
    );
    return mail;
  }
  addToWave(wave: string, source: string, owner: string): void {
    this.edit("plan.yaml", (t) =>
      t.replace(new RegExp(`(  - name: ${wave}\\n(?:    .*\\n)*?    mailboxes:\\n)`), `$1      - source: ${source}\n        owner: ${owner}\n`),
    );
  }
}

function copyOf(base: string): Inputs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-lifecycle-"));
  temps.push(dir);
  for (const f of fs.readdirSync(base)) fs.copyFileSync(path.join(base, f), path.join(dir, f));
  return new Inputs(dir);
}

const idOf = (dir: string, uid: string) => resolveBindings(readInventory(dir)).find((b) => b.owner?.uid.toLowerCase() === uid.toLowerCase())!.mailboxId;

// The harmful edits, each on its own or all together.
const HARMFUL = {
  moveCutOverToCopying: (i: Inputs) => i.moveMailbox("jan.schmidt@fa-luebeck.example", "w02-fa-luebeck"),
  renameCutOverWaveToCopying: (i: Inputs) => {
    i.edit("plan.yaml", (t) => t.replace("  - name: w01-im\n", "  - name: w01-im-again\n"));
    i.setPhase("w01-im-again", "copying");
  },
  neverCopiedIntoCutOver: (i: Inputs) => {
    const mail = i.addPerson("qzander", ["Quirin", "Zander"], "fa-luebeck", "0e0e0e0e-1111-4222-8333-444455556666", "0e0e0e0e-aaaa-4bbb-8ccc-ddddeeeeffff");
    i.addToWave("w01-fa-luebeck", mail, "qzander");
  },
  copyingToDone: (i: Inputs) => i.setPhase("w01-lkn", "done"),
  newEntryUuid: (i: Inputs) =>
    i.edit("directory.ldif", (t) => t.replace("entryUUID: cedd3fe6-380b-459c-aed1-48a4a0dacd0a", "entryUUID: cedd3fe6-0000-4000-8000-00000000beef")),
  newExchangeGuid: (i: Inputs) =>
    i.edit("exchange.csv", (t) =>
      t.replace('"ed687a1f-ca22-4143-9519-12135af87e72","SharedMailbox"', '"ed687a1f-0000-4000-8000-00000000beef","SharedMailbox"'),
    ),
  swappedContextIds: (i: Inputs) =>
    i.edit("plan.yaml", (t) => t.replace("fa-luebeck: { id: 101,", "fa-luebeck: { id: 102,").replace("im: { id: 102,", "im: { id: 101,")),
};

describe("lifecycle by mailbox and identity of migrated mailboxes through the gate", () => {
  let base: string;
  let ids: { jschmidt: string; mmueller: string };

  beforeAll(() => {
    const inputs = new Inputs(copyStaging("oxmig-lifecycle-base-"));
    base = inputs.dir;
    temps.push(base);
    for (const wave of CUT_OVER_WAVES) inputs.setPhase(wave, "cut-over");
    expect(relock(base)).toBe(0);
    ids = { jschmidt: idOf(base, "jschmidt"), mmueller: idOf(base, "mmueller") };
  });

  it("the lock records per mailbox the phase it reached, the context ids, and carries them across relocks", () => {
    const lock = parseLock(fs.readFileSync(path.join(base, "bindings.lock.yaml"), "utf8"), "lock");
    expect(lock.lockVersion).toBe(2);
    expect(lock.mailboxes.find((e) => e.mailbox === ids.jschmidt)?.phase).toBe("cut-over");
    expect(lock.contexts?.["fa-luebeck"]).toEqual({ id: 101 });
  });

  describe("`oxmig lock` refuses each harmful edit, naming the mailbox and the reviewed reason it needs", () => {
    const cases: [keyof typeof HARMFUL, RegExp][] = [
      ["moveCutOverToCopying", /mailbox jan\.schmidt@fa-luebeck\.example \([0-9a-f-]+\) moves back from cut-over to copying; this needs `phaseRollback/],
      ["renameCutOverWaveToCopying", /moves back from cut-over to copying; this needs `phaseRollback: "<reason>"` on wave w01-im-again/],
      [
        "neverCopiedIntoCutOver",
        /mailbox quirin\.zander@fa-luebeck\.example \(0e0e0e0e-1111-4222-8333-444455556666\) was never copied \(no recorded phase\) but its wave is at cut-over; this needs `phaseSkip/,
      ],
      ["copyingToDone", /jumps from copying to done, skipping cut-over; this needs `phaseSkip/],
      [
        "newEntryUuid",
        /mailbox maria\.mueller@fa-luebeck\.example \(cedd3fe6-0000-4000-8000-00000000beef\) changes the home, key of mailbox maria\.mueller@fa-luebeck\.example \(cedd3fe6-380b-459c-aed1-48a4a0dacd0a, phase cut-over; same Exchange source, source address, primary address, owner uid\).*`rekey: "<reason>"`/,
      ],
      [
        "newExchangeGuid",
        /changes the home, key, source of mailbox poststelle@fa-luebeck\.example \(ed687a1f-ca22-4143-9519-12135af87e72, phase cut-over; same source address, primary address\).*`rekey: "<reason>"` and `rebind: "<reason>"`/,
      ],
      ["swappedContextIds", /context fa-luebeck: its OX context id changes from 101 to 102, but mailboxes of the context are already cut over/],
    ];
    for (const [name, message] of cases) {
      it(name, () => {
        const inputs = copyOf(base);
        const before = inputs.read("bindings.lock.yaml");
        HARMFUL[name](inputs);
        expect(() => relock(inputs.dir)).toThrow(message);
        expect(inputs.read("bindings.lock.yaml")).toBe(before);
      });
    }
  });

  it("deleting the lock and relocking: refused while git still has the lock, and a hand-reset lock cannot reset the committed history", () => {
    const inputs = copyOf(base);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: inputs.dir, stdio: "ignore" });
    git("init", "-q");
    git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".");
    git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "history");
    const lockFile = path.join(inputs.dir, "bindings.lock.yaml");
    fs.rmSync(lockFile);
    HARMFUL.moveCutOverToCopying(inputs);
    expect(() => relock(inputs.dir)).toThrow(/the lock is missing, but git has it at HEAD; .*git checkout HEAD -- bindings\.lock\.yaml/);
    expect(fs.existsSync(lockFile)).toBe(false);
    // Deleted and committed: the last committed version still counts.
    git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qam", "drop the lock");
    expect(() => relock(inputs.dir)).toThrow(/the lock is missing, but git has it at [0-9a-f]{12}\^/);
    // A lock restored but with its phases reset by hand: the phases git last recorded still hold.
    git("checkout", "-q", "HEAD~1", "--", "bindings.lock.yaml");
    fs.writeFileSync(lockFile, fs.readFileSync(lockFile, "utf8").replaceAll("phase: cut-over", "phase: copying"));
    expect(() => relock(inputs.dir)).toThrow(/jan\.schmidt@fa-luebeck\.example .* moves back from cut-over to copying/);
  });

  it("deleting the lock outside git: a fresh lock of cut-over waves is refused, their mailboxes were never recorded as copied", () => {
    const inputs = copyOf(base);
    fs.rmSync(path.join(inputs.dir, "bindings.lock.yaml"));
    expect(() => relock(inputs.dir)).toThrow(
      /mailbox jan\.schmidt@fa-luebeck\.example \([0-9a-f-]+\) was never copied \(no recorded phase\) but its wave is at cut-over/,
    );
    expect(fs.existsSync(path.join(inputs.dir, "bindings.lock.yaml"))).toBe(false);
  });

  describe("with every harmful edit made and the lock kept, the gate rejects each by a rule other than the lock rule", () => {
    let blocking: GateViolation[];
    beforeAll(async () => {
      const inputs = copyOf(base);
      for (const edit of Object.values(HARMFUL)) edit(inputs);
      blocking = (await runGate("staging", { root: ROOT, inventoryDir: inputs.dir })).result.violations.filter(isBlocking);
    }, 180_000);

    const by = (policy: string, mailbox: string) => blocking.filter((v) => v.policy === policy && v.policy !== LOCK_RULE && v.mailbox === mailbox);

    it("a cut-over mailbox moved into a copying wave: backup -R refused by mailbox id", () => {
      expect(by("no-backup-after-cut-over", "jan.schmidt@fa-luebeck.example")[0]?.message).toMatch(
        /migrate\.sh of wave w02-fa-luebeck runs doveadm backup for it, but the lock .* records phase cut-over/,
      );
      expect(by("phase-moves-forward", "jan.schmidt@fa-luebeck.example")[0]?.identity).toBe("jschmidt");
    });

    it("a cut-over wave renamed and set back to copying: every mailbox of it is named", () => {
      const found = blocking.filter((v) => v.policy === "no-backup-after-cut-over" && v.message.includes("wave w01-im-again runs doveadm backup"));
      expect(found.length).toBeGreaterThan(10);
      expect(found.every((v) => v.mailbox?.endsWith("@im.example"))).toBe(true);
    });

    it("a never-copied mailbox in a cut-over wave", () => {
      expect(by("phase-steps-one-at-a-time", "quirin.zander@fa-luebeck.example")[0]?.message).toContain("was never copied");
    });

    it("a wave jumping from copying to done", () => {
      const found = blocking.filter((v) => v.policy === "phase-steps-one-at-a-time" && v.message.includes("in wave w01-lkn"));
      expect(found.length).toBeGreaterThan(10);
      expect(found[0]?.message).toContain("jumps from copying to done, skipping cut-over");
    });

    it("a directory entry re-created with a new entryUUID under a cut-over person", () => {
      expect(by("migrated-identity-stable", "maria.mueller@fa-luebeck.example")[0]?.message).toMatch(
        /reached cut-over .* same mailbox by Exchange source, source address, primary address, owner uid but no longer has its home .*, key key-cedd3fe6-380b-459c-aed1-48a4a0dacd0a/,
      );
    });

    it("a changed ExchangeGuid re-binding a cut-over shared mailbox", () => {
      expect(by("migrated-identity-stable", "poststelle@fa-luebeck.example")[0]?.message).toMatch(
        /no longer has its home .*, key .*, Exchange source poststelle@fa-luebeck\.example \(ed687a1f-ca22-4143-9519-12135af87e72\)/,
      );
    });

    it("swapped context ids of contexts already cut over", () => {
      expect(
        blocking.some((v) => v.policy === "context-ids-match-lock" && v.message.startsWith("OX context fa-luebeck declares context id 102, but the lock")),
      ).toBe(true);
      expect(by("context-ids-match-lock", "zoe.huber@fa-luebeck.example")).toHaveLength(1);
    });
  });

  it("legitimate changes relock and pass: forward step, documented rollback, moves within a context, AD-style uid capitals, address case, reorder, new hire, reviewed rekey/rebind", async () => {
    const inputs = copyOf(base);
    inputs.setPhase("w02-fa-luebeck", "cut-over");
    inputs.setPhase("w01-im", "copying", '    phaseRollback: "routing switched back to Exchange after the cut-over failed (ticket 4711)"\n');
    inputs.moveMailbox("oemer.kuehn@fa-luebeck.example", "w02-fa-luebeck");
    inputs.moveMailbox("juergen.weiss@fa-luebeck.example", "w03-fa-luebeck");
    inputs.moveMailbox(inputs.read("plan.yaml").match(/ {2}- name: w02-fa-kiel\n(?: {4}.*\n)*? {4}mailboxes:\n {6}- source: (\S+)/)![1]!, "w03-fa-kiel");
    // AD style: the directory spells uids with capitals; the plan may keep lower case.
    inputs.edit("directory.ldif", (t) => t.replace("dn: uid=jschmidt,", "dn: uid=JSchmidt,").replace("\nuid: jschmidt\n", "\nuid: JSchmidt\n"));
    inputs.edit("directory.ldif", (t) => t.replace("\nuid: zhuber\n", "\nuid: ZHuber\n").replace("dn: uid=zhuber,", "dn: uid=ZHuber,"));
    inputs.edit("plan.yaml", (t) => t.replace("owner: zhuber\n", "owner: ZHuber\n"));
    inputs.edit("directory.ldif", (t) => t.replace("mail: jan.schmidt@fa-luebeck.example", "mail: Jan.Schmidt@FA-Luebeck.example"));
    // Reviewed identity changes of cut-over mailboxes: a re-created directory entry, a new ExchangeGuid.
    HARMFUL.newEntryUuid(inputs);
    inputs.edit("plan.yaml", (t) =>
      t.replace(
        "        owner: mmueller\n",
        '        owner: mmueller\n        rekey: "AD account re-created after the domain move (ticket 4712); old key kept for restores"\n',
      ),
    );
    HARMFUL.newExchangeGuid(inputs);
    inputs.edit("plan.yaml", (t) =>
      t.replace(
        "        shared: { delegates: [mmueller, jschmidt] }\n",
        '        shared: { delegates: [mmueller, jschmidt] }\n        rekey: "Exchange mailbox re-created (ticket 4713)"\n        rebind: "Exchange mailbox re-created (ticket 4713)"\n',
      ),
    );
    // Reorder: the first two mailboxes of w02-im change places.
    inputs.edit("plan.yaml", (t) =>
      t.replace(/( {2}- name: w02-im\n(?: {4}.*\n)*? {4}mailboxes:\n)((?: {6}- .*\n(?: {8}.*\n)*))((?: {6}- .*\n(?: {8}.*\n)*))/, "$1$3$2"),
    );
    const mail = inputs.addPerson("qzander", ["Quirin", "Zander"], "fa-kiel", "0e0e0e0e-1111-4222-8333-444455556666", "0e0e0e0e-aaaa-4bbb-8ccc-ddddeeeeffff");
    inputs.addToWave("w02-fa-kiel", mail, "qzander");
    expect(relock(inputs.dir)).toBe(0);
    const lock = parseLock(inputs.read("bindings.lock.yaml"), "lock");
    const jschmidt = lock.mailboxes.find((e) => e.mailbox === ids.jschmidt)!;
    expect(jschmidt.owner?.uid).toBe("JSchmidt");
    expect(jschmidt.phase).toBe("cut-over");
    expect(lock.mailboxes.filter((e) => e.wave === "w01-im").every((e) => e.phase === "copying" && e.phaseReason?.includes("ticket 4711"))).toBe(true);
    const rekeyed = lock.mailboxes.find((e) => e.mailbox === "cedd3fe6-0000-4000-8000-00000000beef")!;
    expect({ phase: rekeyed.phase, replaces: rekeyed.replaces, rekey: rekeyed.rekey }).toEqual({
      phase: "cut-over",
      replaces: [ids.mmueller],
      rekey: expect.stringContaining("ticket 4712"),
    });
    expect(lock.retired?.map((e) => e.mailbox)).toEqual(expect.arrayContaining([ids.mmueller, "ed687a1f-ca22-4143-9519-12135af87e72"]));
    const { result } = await runGate("staging", { root: ROOT, inventoryDir: inputs.dir });
    expect(result.violations.filter(isBlocking).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  }, 180_000);
});
