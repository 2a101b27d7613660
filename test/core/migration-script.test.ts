import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pairing } from "../../core/contract";
import { MIGRATION_PATHS, renderDoveadmConf, renderMigrationScript, shellQuote } from "../../core/migration-script";

const pair = (sourceLogin: string, targetLogin: string): Pairing => ({ mailboxId: `id-${targetLogin}`, sourceLogin, sourceExchangeGuid: "g", targetLogin });

// A fake doveadm that records its argv (one argument per line, calls separated) and fails for target "broken".
const FAKE_DOVEADM = `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a" >> "$CALLS"; done
echo --- >> "$CALLS"
for a in "$@"; do [ "$a" = broken ] && exit 75; done
exit 0
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "oxmig-script-"));
  writeFileSync(join(dir, "doveadm"), FAKE_DOVEADM);
  chmodSync(join(dir, "doveadm"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(script: string) {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(calls, "");
  writeFileSync(join(dir, "migrate.sh"), script);
  const result = spawnSync("/bin/sh", [join(dir, "migrate.sh")], { cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: calls }, encoding: "utf8" });
  const invocations = readFileSync(calls, "utf8").split("---\n").filter(Boolean).map((c) => c.split("\n").filter(Boolean));
  return { ...result, invocations };
}

describe("migrate.sh in phase copying", () => {
  it("runs backup -R per pair with the source as imapc_user and the target as -u, no password anywhere", () => {
    const run = runScript(renderMigrationScript({ wave: "w01", phase: "copying", pairings: [pair("anna@src.example", "anna"), pair("bob@src.example", "bob")] }));
    expect(run.status).toBe(0);
    expect(run.invocations).toEqual([
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=anna@src.example", "backup", "-R", "-u", "anna", "imapc:"],
      ["-c", MIGRATION_PATHS.doveadmConf, "-o", "imapc_user=bob@src.example", "backup", "-R", "-u", "bob", "imapc:"],
    ]);
    expect(run.invocations.flat().join(" ")).not.toMatch(/password/i);
  });

  it("one failed pair fails the Job but the other pairs still run", () => {
    const run = runScript(renderMigrationScript({ wave: "w01", phase: "copying", pairings: [pair("a@src.example", "broken"), pair("b@src.example", "b")] }));
    expect(run.status).toBe(1);
    expect(run.invocations).toHaveLength(2);
    expect(run.stderr).toContain("FAILED (exit 75): a@src.example -> broken");
    expect(run.stderr).toContain("1 of 2 pairs failed");
  });

  it("a login with quotes, spaces or $() reaches doveadm as one literal argument", () => {
    const nasty = `o'brien $(touch pwned) "x"`;
    const run = runScript(renderMigrationScript({ wave: "w01", phase: "copying", pairings: [pair(nasty, "t")] }));
    expect(run.status).toBe(0);
    expect(run.invocations[0]).toContain(`imapc_user=${nasty}`);
  });
});

describe("migrate.sh after copying", () => {
  it("cut-over refuses to run backup -R (it would expunge mail delivered to the target)", () => {
    const run = runScript(renderMigrationScript({ wave: "w02", phase: "cut-over", pairings: [pair("a@src.example", "a")] }));
    expect(run.status).toBe(1);
    expect(run.invocations).toEqual([]);
    expect(run.stderr).toContain("refusing to run backup -R");
  });

  it("done copies nothing and succeeds", () => {
    const run = runScript(renderMigrationScript({ wave: "w03", phase: "done", pairings: [pair("a@src.example", "a")] }));
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
