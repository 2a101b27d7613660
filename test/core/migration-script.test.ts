import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pairing } from "../../core/contract";
import { MIGRATION_PATHS, renderDoveadmConf, renderMigrationScript, shellQuote } from "../../core/migration-script";

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

/** Runs a rendered script with its state directory moved into `stateDir` (a test cannot use /var/lib). */
function runScript(script: string, stateDir = mkdtempSync(join(dir, "state-"))) {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(calls, "");
  writeFileSync(join(dir, "migrate.sh"), script.split(MIGRATION_PATHS.stateDir).join(stateDir));
  const result = spawnSync("/bin/sh", [join(dir, "migrate.sh")], { cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: calls }, encoding: "utf8" });
  const invocations = readFileSync(calls, "utf8").split("---\n").filter(Boolean).map((c) => c.split("\n").filter(Boolean));
  const state = (p: Pairing) => (existsSync(join(stateDir, `${p.mailboxId}.state`)) ? readFileSync(join(stateDir, `${p.mailboxId}.state`), "utf8").trim() : undefined);
  return { ...result, invocations, state, stateDir };
}

const script = (phase: "copying" | "cut-over" | "done", pairings: Pairing[]) => renderMigrationScript({ wave: "w01", phase, pairings });

describe("migrate.sh in phase copying", () => {
  it("runs backup -R -s '' per pair with the source as imapc_user and the target as -u, no password anywhere", () => {
    const [anna, bob] = [pair("anna@src.example", "anna"), pair("bob@src.example", "bob")];
    const run = runScript(script("copying", [anna, bob]));
    expect(run.status).toBe(0);
    expect(run.invocations).toEqual([
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=anna@src.example", "backup", "-R", "-s", "-u", "anna", "imapc:"],
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=bob@src.example", "backup", "-R", "-s", "-u", "bob", "imapc:"],
    ]); // the empty state argument is an empty line, which the recorder drops
    expect(run.invocations.flat().join(" ")).not.toMatch(/password/i);
    expect([run.state(anna), run.state(bob)]).toEqual(["state-1", "state-2"]);
  });

  it("one failed pair fails the Job, loses its baseline, and the other pairs still run", () => {
    const [broken, ok] = [pair("a@src.example", "broken"), pair("b@src.example", "b")];
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${broken.mailboxId}.state`), "old-state\n");
    const run = runScript(script("copying", [broken, ok]), stateDir);
    expect(run.status).toBe(1);
    expect(run.invocations).toHaveLength(2);
    expect(run.stderr).toContain(`FAILED (exit 75): ${broken.mailboxId}`);
    expect(run.stderr).toContain("1 of 2 pairs failed");
    expect(run.state(broken)).toBeUndefined();
    expect(run.state(ok)).toBe("state-2");
  });

  it("a login with quotes, spaces or $() reaches doveadm as one literal argument", () => {
    const nasty = `o'brien $(touch pwned) "x"`;
    const run = runScript(script("copying", [pair(nasty, "t")]));
    expect(run.status).toBe(0);
    expect(run.invocations[0]).toContain(`imapc_user=${nasty}`);
    expect(existsSync(join(dir, "pwned"))).toBe(false);
  });
});

describe("migrate.sh after copying", () => {
  it("cut-over runs sync -1 -R with the saved state and saves the new one; never backup", () => {
    const anna = pair("anna@src.example", "anna");
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${anna.mailboxId}.state`), "AQAAAHm4+Jk=\n");
    const run = runScript(script("cut-over", [anna]), stateDir);
    expect(run.status).toBe(0);
    expect(run.invocations).toEqual([["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=anna@src.example", "sync", "-1", "-R", "-s", "AQAAAHm4+Jk=", "-u", "anna", "imapc:"]]);
    expect(run.state(anna)).toBe("state-1");
  });

  it("cut-over fails a pair without a saved state loudly and runs no doveadm for it", () => {
    const [stateless, ok] = [pair("a@src.example", "a"), pair("b@src.example", "b")];
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${ok.mailboxId}.state`), "s\n");
    const run = runScript(script("cut-over", [stateless, ok]), stateDir);
    expect(run.status).toBe(1);
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0]).toContain("b");
    expect(run.stderr).toContain(`${stateless.mailboxId} has no saved state`);
  });

  it("a failed sync keeps the previous state", () => {
    const broken = pair("a@src.example", "broken");
    const stateDir = mkdtempSync(join(dir, "state-"));
    writeFileSync(join(stateDir, `${broken.mailboxId}.state`), "kept\n");
    const run = runScript(script("cut-over", [broken]), stateDir);
    expect(run.status).toBe(1);
    expect(run.state(broken)).toBe("kept");
  });

  it("done runs nothing and succeeds", () => {
    const run = runScript(script("done", [pair("a@src.example", "a")]));
    expect(run.status).toBe(0);
    expect(run.invocations).toEqual([]);
  });
});

describe("doveadm.conf", () => {
  it("includes the mounted credentials last, so the Secret's settings win and none are inline", () => {
    const conf = renderDoveadmConf({ sourceImapHost: "exchange.land.example" });
    const lines = conf.trim().split("\n");
    expect(lines.at(-1)).toBe(`!include ${MIGRATION_PATHS.imapcConf}`);
    expect(conf).toContain("imapc_host = exchange.land.example");
    expect(conf).not.toMatch(/imapc_password|imapc_master_user/);
  });

  it("a host with a newline (config injection) is refused", () => {
    expect(() => renderDoveadmConf({ sourceImapHost: "h.example\nimapc_password = x" })).toThrow(/must be a host name/);
  });
});

describe("shellQuote", () => {
  it("quotes a single quote so the shell cannot end the string", () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
