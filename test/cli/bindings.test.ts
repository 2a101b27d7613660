import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const oxmig = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin/oxmig.cjs"), ...args], { cwd: ROOT, encoding: "utf8" });

describe("oxmig bindings", () => {
  it("prints one JSON chain per planned mailbox of the staging stack", () => {
    const run = oxmig("bindings", "--stack", "staging", "--format", "json");
    expect(run.status).toBe(0);
    const chains = JSON.parse(run.stdout) as {
      mailbox: string;
      kind: string;
      owner: { immutableId: string; login: string } | null;
      dovecot: { home: string; login: string };
      source: { exchangeGuid: string };
    }[];
    expect(chains.length).toBeGreaterThan(250);
    const maria = chains.find((c) => c.mailbox === "maria.mueller@fa-luebeck.example")!;
    expect(maria.owner?.login).toBe("mmueller");
    expect(maria.dovecot.home).toContain(maria.owner!.immutableId);
    expect(maria.dovecot.login).toBe("mmueller");
    for (const c of chains.filter((x) => x.kind === "personal")) expect(c.dovecot.home.endsWith(c.owner!.immutableId)).toBe(true);
    expect(run.stdout).not.toMatch(/mail_crypt_private_password/);
  });

  it("names the stack files it knows when the stack is unknown (exit 2)", () => {
    const run = oxmig("bindings", "--stack", "nope");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown stack "nope".*Pulumi\.nope\.yaml.*staging/);
  });

  it("rejects an unsupported format as a usage error (exit 2)", () => {
    const run = oxmig("bindings", "--stack", "staging", "--format", "xml");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/xml/);
  });

  it("answers --help on every command with exit 0", () => {
    for (const command of ["bindings", "lock", "gate", "generate"]) {
      const run = oxmig(command, "--help");
      expect(run.status, command).toBe(0);
      expect(run.stdout).toMatch(/Usage: oxmig/);
    }
  });
});
