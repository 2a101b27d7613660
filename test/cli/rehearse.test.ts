// `oxmig rehearse` in-process on a small generated inventory (needs Dovecot 2.3 installed): a clean
// run passes, each injected fault fails and names both people, nothing is left running or on disk.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rehearseCommand } from "../../cli/commands/rehearse";
import type { Binding } from "@oxmig/core/model";
import { defaultRecordsDir, readRecords } from "../../rehearsal/dovecot/instance-records";
import { childrenOf, isDovecotMaster, isRunning, processArgv } from "../../rehearsal/dovecot/process-info";
import { reapOrphans } from "../../rehearsal/dovecot/reap";
import { personLabel, personOf } from "../../rehearsal/report/run-report";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { capture, makeStackFixture, ourDovecotProcesses, STACK, type StackFixture } from "../rehearsal/stack-fixture";

let fixture: StackFixture;
const tempDirsBefore = new Set(readdirSync(tmpdir()).filter((d) => d.startsWith("oxmig-rehearsal-")));

beforeAll(() => {
  fixture = makeStackFixture();
});

// Nothing left running (also after a test that timed out: settleDovecots stops it, and fails) or on disk.
afterAll(() =>
  settleDovecots(
    () => {
      expect(ourDovecotProcesses()).toEqual([]);
      expect(readdirSync(tmpdir()).filter((d) => d.startsWith("oxmig-rehearsal-") && !tempDirsBefore.has(d))).toEqual([]);
    },
    () => [fixture.cwd],
  ),
);

async function rehearse(inject: string[] = [], lifecycle = false) {
  const [stdout, stderr] = [capture(), capture()];
  const code = await rehearseCommand({ stack: STACK, cwd: fixture.cwd, messages: 2, inject, stdout, stderr, lifecycle });
  return { code, out: stdout.text(), err: stderr.text() };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const personal = () => fixture.bindings.filter((b) => b.kind === "personal") as [Binding, Binding, ...Binding[]];
const shared = () => fixture.bindings.find((b) => b.kind === "shared")!;

describe("oxmig rehearse", () => {
  it("refuses with exit 2 and the apt-get line when Dovecot is not installed", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(rehearse()).rejects.toThrow(/apt-get install -y dovecot-core dovecot-imapd dovecot-lmtpd/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("refuses an unknown fault kind before starting anything", async () => {
    await expect(rehearse(["lost-mail:a,b"])).rejects.toThrow(/Invalid value for --inject: "lost-mail:a,b"/);
  });

  it("refuses a lifecycle fault without --lifecycle before starting anything", async () => {
    await expect(rehearse(["backup-after-cut-over"])).rejects.toThrow(/--inject backup-after-cut-over needs --lifecycle/);
  });

  it("refuses a fault naming nobody in the stack", async () => {
    await expect(rehearse(["swapped-keys:nobody-here,also-nobody"])).rejects.toThrow(/"nobody-here" is neither an owner uid nor a Dovecot login/);
  });
});

describe.concurrent("oxmig rehearse on real Dovecots", () => {
  it(
    "a plan that swaps two owners fails by the exports' evidence, naming whose mail each holds (the gate's mistake reaching the rehearsal)",
    { timeout: 90_000 },
    async () => {
      const swapped = makeStackFixture();
      try {
        const plan = join(swapped.cwd, "inv", "plan.yaml");
        const text = readFileSync(plan, "utf8");
        const [a, b] = personal().map((p) => p.owner!.uid) as [string, string];
        writeFileSync(plan, text.replace(`owner: ${a}\n`, "owner: @A@\n").replace(`owner: ${b}\n`, `owner: ${a}\n`).replace("owner: @A@\n", `owner: ${b}\n`));
        const [stdout, stderr] = [capture(), capture()];
        const code = await rehearseCommand({ stack: STACK, cwd: swapped.cwd, messages: 2, inject: [], stdout, stderr, lifecycle: false });
        const out = stdout.text();
        expect(code).toBe(1);
        const [ownerA, ownerB] = personal().map((p) => p.owner!) as [NonNullable<Binding["owner"]>, NonNullable<Binding["owner"]>];
        expect(out).toMatch(
          new RegExp(
            `mailbox of ${escape(ownerA.displayName)} <[^>]+> \\(${ownerA.uid},[^\n]*holds foreign mail: 2 message\\(s\\) of ${escape(ownerB.displayName)}`,
          ),
        );
        expect(out).toMatch(
          new RegExp(
            `mailbox of ${escape(ownerB.displayName)} <[^>]+> \\(${ownerB.uid},[^\n]*holds foreign mail: 2 message\\(s\\) of ${escape(ownerA.displayName)}`,
          ),
        );
      } finally {
        rmSync(swapped.cwd, { recursive: true, force: true });
      }
    },
  );

  it("passes a clean rehearsal of a wave with personal, shared, room and equipment mailboxes", { timeout: 90_000 }, async () => {
    const { code, out, err } = await rehearse();
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(err).toMatch(/^verify: 6 done in/m);
    expect(code).toBe(0);
  });

  it("passes the whole lifecycle and prints per-step counts and zero lost, duplicated or foreign messages", { timeout: 90_000 }, async () => {
    const { code, out } = await rehearse([], true);
    expect(out).toMatch(/sync 2 \(sync -1 -R -s\)\s*│\s*6\s*│\s*0\s*│\s*36\s*│/);
    expect(out).toContain("messages: lost 0, duplicated 0, target-only lost 0, foreign 0");
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
  });

  it("fails the lifecycle and counts the loss when backup -R runs after cut-over", { timeout: 90_000 }, async () => {
    const { code, out } = await rehearse(["backup-after-cut-over"], true);
    expect(out).toMatch(/target-only lost 12/);
    expect(out).toContain("doveadm backup -R of");
    expect(code).toBe(1);
  });

  const faults: [string, () => [string, Binding, Binding]][] = [
    ["a userdb line gets another person's home", () => ["wrong-home", personal()[0], personal()[1]]],
    ["two key passwords are swapped in the userdb", () => ["swapped-keys", personal()[0], personal()[1]]],
    ["two migration pairs are swapped", () => ["swapped-pair", personal()[1], shared()]],
    ["an alias of the shared mailbox is routed to a person", () => ["misrouted-alias", shared(), personal()[2]!]],
  ];
  for (const [what, pick] of faults) {
    it(`fails and names both people when ${what}`, { timeout: 90_000 }, async () => {
      const [kind, a, b] = pick();
      const first = kind === "misrouted-alias" ? a.addresses.at(-1)!.display : (a.owner?.uid ?? a.dovecotLogin);
      const { code, out } = await rehearse([`${kind}:${first},${b.owner?.uid ?? b.dovecotLogin}`]);
      expect(code).toBe(1);
      const failures = out.slice(out.indexOf("Failures:"));
      for (const person of [a, b]) expect(failures).toContain(personLabel(personOf(person)));
      expect(out).toMatch(/FAILED: \d+ failure/);
    });
  }
});

describe("oxmig rehearse interrupted", () => {
  let cli: ChildProcess | undefined;

  // Should the command not clean up: end it by its PID, and let reaping stop what it left.
  afterAll(async () => {
    if (!cli) return;
    if (cli.exitCode === null && cli.signalCode === null) {
      const gone = new Promise((resolve) => cli!.once("exit", resolve));
      cli.kill("SIGKILL");
      await gone;
    }
    await reapOrphans({ report: () => undefined });
  });

  it("on SIGHUP (terminal closed) stops both Dovecots, removes its temp dir and records, and exits 129", { timeout: 90_000 }, async () => {
    const child = spawn(process.execPath, [join(__dirname, "../../bin/oxmig.cjs"), "rehearse", "--stack", STACK, "--messages", "20"], {
      cwd: fixture.cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    cli = child;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/^seed: /m.test(stderr)) resolve(); // provisioned: both Dovecots are up
      });
      void exited.then(() => reject(new Error(`oxmig rehearse ended before seeding:\n${stderr}`)));
    });
    const masters = childrenOf(child.pid!).filter((pid) => isDovecotMaster(pid));
    const helpers = masters.flatMap(childrenOf);
    const root = dirname(dirname(processArgv(masters[0]!)!.at(-1)!));
    expect(masters).toHaveLength(2);
    expect(existsSync(join(root, "target", "master-users"))).toBe(true);

    child.kill("SIGHUP");

    expect(await exited).toBe(129);
    expect([...masters, ...helpers].filter(isRunning)).toEqual([]);
    expect(existsSync(root)).toBe(false);
    expect(readRecords(defaultRecordsDir()).filter((r) => "record" in r && r.record.ownerPid === child.pid)).toEqual([]);
  });
});
