import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pairing } from "@oxmig/core/contract";
import { doveadmConfOptionsOf, MIGRATION_PATHS, REFUSED_EXIT_CODE, renderDoveadmConf, renderMigrationScript, shellQuote } from "@oxmig/core/migration-script";

const pair = (sourceLogin: string, targetLogin: string): Pairing => ({ mailboxId: `id-${targetLogin}`, sourceLogin, sourceExchangeGuid: "g", targetLogin });

// A fake doveadm: records its argv (one argument per line, calls separated), prints a state
// ("state-<target>-<n>") like `-s` makes doveadm do, and fails for target "broken".
const FAKE_DOVEADM = `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a" >> "$CALLS"; done
echo --- >> "$CALLS"
for a in "$@"; do [ "$a" = broken ] && exit 75; done
n=$(grep -c -- --- "$CALLS")
printf 'state-%s\\n' "$n"
exit 0
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "oxmig-script-"));
  writeFileSync(join(dir, "doveadm"), FAKE_DOVEADM);
  chmodSync(join(dir, "doveadm"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs a rendered script once per index, as the Indexed Job's pods would (JOB_COMPLETION_INDEX = 0 …
 * entries-1, unless `indexes` says otherwise; `undefined` leaves the variable unset), with its state
 * directory moved into `stateDir` (a test cannot use /var/lib).
 */
function runScript(script: string, stateDir = mkdtempSync(join(dir, "state-")), indexes?: readonly (string | undefined)[]) {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(calls, "");
  const file = join(dir, `migrate-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script.split(MIGRATION_PATHS.stateDir).join(stateDir));
  const entries = Number(/^expected=(\d+)$/m.exec(script)![1]);
  const pods = (indexes ?? Array.from({ length: entries }, (_, i) => String(i))).map((index) => {
    const env: Record<string, string> = { PATH: `${dir}:/usr/bin:/bin`, CALLS: calls, ...(index !== undefined ? { JOB_COMPLETION_INDEX: index } : {}) };
    return spawnSync("/bin/sh", [file], { cwd: dir, env, encoding: "utf8" });
  });
  const invocations = readFileSync(calls, "utf8")
    .split("---\n")
    .filter(Boolean)
    .map((c) => c.split("\n").filter(Boolean));
  const state = (p: Pairing) =>
    existsSync(join(stateDir, `${p.mailboxId}.state`)) ? readFileSync(join(stateDir, `${p.mailboxId}.state`), "utf8").trim() : undefined;
  return {
    pods,
    statuses: pods.map((p) => p.status),
    stderr: pods.map((p) => p.stderr).join(""),
    stdout: pods.map((p) => p.stdout).join(""),
    invocations,
    state,
    stateDir,
  };
}

const script = (phase: "copying" | "cut-over" | "done", pairings: Pairing[]) => renderMigrationScript({ wave: "w01", phase, pairings });

describe("migrate.sh in phase copying, one pod per index", () => {
  it("index i runs backup -R -s '' of pair i only, with the source as imapc_user and the target as -u, no password anywhere", () => {
    const [anna, bob] = [pair("anna@src.example", "anna"), pair("bob@src.example", "bob")];
    const run = runScript(script("copying", [anna, bob]));
    expect(run.statuses).toEqual([0, 0]);
    expect(run.invocations).toEqual([
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=anna@src.example", "backup", "-R", "-s", "-u", "anna", "imapc:"],
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=bob@src.example", "backup", "-R", "-s", "-u", "bob", "imapc:"],
    ]); // the empty state argument is an empty line, which the recorder drops
    expect(run.invocations.flat().join(" ")).not.toMatch(/password/i);
    expect([run.state(anna), run.state(bob)]).toEqual(["state-1", "state-2"]);
    expect(run.stdout).toBe(`done ${anna.mailboxId} (index 0)\ndone ${bob.mailboxId} (index 1)\n`);
  });

  it("each index runs only its own pair, whatever order the pods start in", () => {
    const pairs = ["a", "b", "c", "d"].map((t) => pair(`${t}@src.example`, t));
    const run = runScript(script("copying", pairs), undefined, ["3", "1"]);
    expect(run.invocations.map((c) => c.at(-2))).toEqual(["d", "b"]);
  });

  it("a failed pair fails its own pod only and leaves no baseline; the other pods are not touched", () => {
    const [broken, ok] = [pair("a@src.example", "broken"), pair("b@src.example", "b")];
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${broken.mailboxId}.state`), "old-state\n");
    const run = runScript(script("copying", [broken, ok]), stateDir);
    expect(run.statuses).toEqual([1, 0]);
    expect(run.invocations).toHaveLength(2);
    expect(run.stderr).toContain(`FAILED (exit 75): ${broken.mailboxId} (index 0)`);
    expect(run.state(broken)).toBeUndefined();
    expect(existsSync(join(stateDir, `${broken.mailboxId}.state.new`))).toBe(false);
    expect(run.state(ok)).toBe("state-2");
  });

  it("a copy removes the old state before it starts, so a pod killed mid-copy leaves none", () => {
    const anna = pair("anna@src.example", "anna");
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${anna.mailboxId}.state`), "old-state\n");
    // The fake doveadm looks at the state file while it "copies", as a kill at that moment would leave it.
    const seen = join(dir, `seen-${Math.random().toString(36).slice(2)}`);
    const looking = script("copying", [anna]).replace("'doveadm'", `'sh' '-c' 'ls "$0" > ${seen} 2>&1; exec doveadm "$@"' '${stateDir}'`);
    runScript(looking, stateDir);
    expect(readFileSync(seen, "utf8")).not.toContain(`${anna.mailboxId}.state\n`);
  });

  it("a login with quotes, spaces or $() reaches doveadm as one literal argument", () => {
    const nasty = `o'brien $(touch pwned) "x"`;
    const run = runScript(script("copying", [pair(nasty, "t")]));
    expect(run.statuses).toEqual([0]);
    expect(run.invocations[0]).toContain(`imapc_user=${nasty}`);
    expect(existsSync(join(dir, "pwned"))).toBe(false);
  });
});

describe("migrate.sh refuses an index it cannot trust (exit 3, no doveadm)", () => {
  const pairs = ["a", "b", "c"].map((t) => pair(`${t}@src.example`, t));
  const refusedWith = (run: ReturnType<typeof runScript>, text: RegExp) => {
    expect(run.statuses.every((s) => s === REFUSED_EXIT_CODE)).toBe(true);
    expect(run.invocations).toEqual([]);
    expect(run.stderr).toMatch(text);
  };

  it("a missing, empty or non-decimal JOB_COMPLETION_INDEX", () => {
    refusedWith(
      runScript(script("copying", pairs), undefined, [undefined, "", "1x", "-1", " 1", "+1", "01", "00", "1 "]),
      /REFUSED: JOB_COMPLETION_INDEX .* is not a Job index/,
    );
  });

  it("an index outside the table, however large", () => {
    refusedWith(runScript(script("copying", pairs), undefined, ["3", "99999999999999999999999"]), /index \d+ is outside the pairing table \(0 to 2\)/);
  });

  it("a table whose size is not the Job's completions (the ConfigMap edited by hand)", () => {
    const edited = script("copying", pairs).replace(/^expected=3$/m, "expected=2");
    refusedWith(runScript(edited, undefined, ["0", "1"]), /the pairing table has 3 lines, but the Job runs 2 indexes/);
  });
});

describe("migrate.sh after copying", () => {
  it("cut-over runs sync -1 -R with the saved state and saves the new one; never backup", () => {
    const anna = pair("anna@src.example", "anna");
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${anna.mailboxId}.state`), "AQAAAHm4+Jk=\n");
    const run = runScript(script("cut-over", [anna]), stateDir);
    expect(run.statuses).toEqual([0]);
    expect(run.invocations).toEqual([
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=anna@src.example", "sync", "-1", "-R", "-s", "AQAAAHm4+Jk=", "-u", "anna", "imapc:"],
    ]);
    expect(run.state(anna)).toBe("state-1");
  });

  it("cut-over refuses a pair without a saved state (exit 3, no retry helps) and runs no doveadm for it", () => {
    const [stateless, ok] = [pair("a@src.example", "a"), pair("b@src.example", "b")];
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${ok.mailboxId}.state`), "s\n");
    const run = runScript(script("cut-over", [stateless, ok]), stateDir);
    expect(run.statuses).toEqual([REFUSED_EXIT_CODE, 0]);
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0]).toContain("b");
    expect(run.stderr).toContain(`${stateless.mailboxId} has no saved state`);
  });

  it("a failed sync keeps the previous state", () => {
    const broken = pair("a@src.example", "broken");
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${broken.mailboxId}.state`), "kept\n");
    const run = runScript(script("cut-over", [broken]), stateDir);
    expect(run.statuses).toEqual([1]);
    expect(run.state(broken)).toBe("kept");
  });

  it("done has an empty table: every index is refused, nothing runs", () => {
    const run = runScript(script("done", [pair("a@src.example", "a")]), undefined, ["0"]);
    expect(run.statuses).toEqual([REFUSED_EXIT_CODE]);
    expect(run.invocations).toEqual([]);
  });
});

describe("doveadm.conf", () => {
  const options = { sourceImapHost: "exchange.land.example", sourceImapPort: 993, sourceImapTls: "imaps" as const };

  it("reads each credential as one value from its Secret file; nothing else comes from the Secret", () => {
    const conf = renderDoveadmConf(options);
    expect(conf).toContain("imapc_host = exchange.land.example\nimapc_port = 993\nimapc_ssl = imaps\nssl_client_ca_dir = /etc/ssl/certs\n");
    expect(conf).toContain(
      `imapc_master_user = <${MIGRATION_PATHS.secretDir}/imapc_master_user\nimapc_password = <${MIGRATION_PATHS.secretDir}/imapc_password\n`,
    );
    expect(conf.match(/^!include.*$/gm)).toEqual([`!include ${MIGRATION_PATHS.targetConf}`]);
    expect(doveadmConfOptionsOf(conf)).toEqual(options);
  });

  it("a host with a newline (config injection), a bad port or cleartext off loopback is refused", () => {
    expect(() => renderDoveadmConf({ ...options, sourceImapHost: "h.example\nimapc_password = x" })).toThrow(/must be a host name/);
    expect(() => renderDoveadmConf({ ...options, sourceImapPort: 0 })).toThrow(/not a TCP port/);
    expect(() => renderDoveadmConf({ ...options, sourceImapTls: "no" })).toThrow(/cleartext to exchange\.land\.example/);
    expect(renderDoveadmConf({ ...options, sourceImapHost: "127.0.0.1", sourceImapTls: "no" })).not.toContain("ssl_client_ca_dir");
  });
});

describe("shellQuote", () => {
  it("quotes a single quote so the shell cannot end the string", () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
