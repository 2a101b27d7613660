import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configSchema, displayFile, loadPolicyContext, PolicyConfigError } from "../../policies/config";
import { IDS } from "../fixtures/policies/plan";
import { config, FIXTURES, lockEntries, writeLock } from "./helpers";
import { policyTempDir } from "./temp-dirs";

const ROOT = path.resolve(__dirname, "..", "..");
const copyFixtures = (): string => {
  const dir = policyTempDir("oxmig-config-");
  for (const f of ["directory.ldif", "exchange.csv"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
};
const errorOf = (raw: unknown): Error => {
  try {
    loadPolicyContext(raw);
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected loadPolicyContext to throw");
};

afterEach(() => {
  vi.useRealTimers();
});

describe("policy pack config", () => {
  it("the JSON schema the CLI validates against drops a field or a requirement", () => {
    expect(configSchema.required).toEqual(["directory", "exchange", "stackKind"]);
    expect(Object.keys(configSchema.properties ?? {})).toEqual([
      "directory",
      "exchange",
      "lock",
      "stackKind",
      "productionDomains",
      "mailRoot",
      "contextOrganisations",
      "shards",
    ]);
  });
  it("a config problem hidden behind a generic message", () => {
    const missing = errorOf(undefined);
    expect(missing).toBeInstanceOf(PolicyConfigError);
    expect(missing.name).toBe("PolicyConfigError");
    expect(missing.message).toBe(
      "invalid policy pack config: (config): Invalid input: expected object, received undefined (pass --policy-pack-config with directory, exchange, stackKind for every policy)",
    );
    const bad = errorOf({ directory: "", exchange: "x", stackKind: "test" });
    expect(bad.message).toMatch(/^invalid policy pack config: directory: .*; stackKind: .* \(pass --policy-pack-config/);
  });
  it("defaults and relative paths resolved against the wrong folder", () => {
    const ctx = loadPolicyContext({
      directory: "test/fixtures/policies/directory.ldif",
      exchange: "test/fixtures/policies/exchange.csv",
      stackKind: "staging",
      lock: "no/such/bindings.lock.yaml",
    });
    expect(ctx.config).toEqual({
      directory: path.join(ROOT, "test/fixtures/policies/directory.ldif"),
      exchange: path.join(ROOT, "test/fixtures/policies/exchange.csv"),
      lock: path.join(ROOT, "no/such/bindings.lock.yaml"),
      stackKind: "staging",
      productionDomains: [],
      mailRoot: "/var/vmail",
      contextOrganisations: {},
    });
    expect(ctx).not.toHaveProperty("lock");
    expect(loadPolicyContext(config()).config).not.toHaveProperty("lock");
  });
  it("a lock that is a symbolic link to another file is read as if it were the reviewed lock", () => {
    const real = writeLock(lockEntries());
    const link = path.join(policyTempDir("oxmig-lock-link-"), "bindings.lock.yaml");
    fs.symlinkSync(real, link);
    const err = errorOf(config({ lock: link }));
    expect(err).toBeInstanceOf(PolicyConfigError);
    expect(err.message).toMatch(/bindings\.lock\.yaml is a symbolic link \(to .*bindings\.lock\.yaml\); the pack reads only the regular file/);
    expect(loadPolicyContext(config({ lock: real }))).toHaveProperty("lock");
  });
  it("a file named absolutely inside the project, or relatively outside it", () => {
    expect(displayFile(path.join(ROOT, "inventory", "directory.ldif"))).toBe("inventory/directory.ldif");
    expect(displayFile(ROOT)).toBe(ROOT);
    expect(displayFile(path.join(os.tmpdir(), "x.ldif"))).toBe(path.join(os.tmpdir(), "x.ldif"));
    expect(displayFile(path.join(path.dirname(ROOT), "..x", "y"))).toBe(path.join(path.dirname(ROOT), "..x", "y"));
  });
  it("an existing lock file not loaded", () => {
    const lock = writeLock(lockEntries());
    const ctx = loadPolicyContext(config({ lock }));
    expect(ctx.lock?.file).toBe(lock);
    expect(ctx.lock?.lock.mailboxes.map((m) => m.mailbox)).toContain(IDS.raum);
  });
  // Fresh copies: the per-test coverage of mutation testing only sees parsing done within the test.
  it("the directory indexed under the wrong keys", () => {
    const dir = copyFixtures();
    const { directory } = loadPolicyContext(config({ directory: path.join(dir, "directory.ldif") }));
    expect(directory.file).toBe(path.join(dir, "directory.ldif"));
    expect(directory.byId.get(IDS.maria)?.uid).toBe("mmueller");
    expect(directory.byUid.get("jschmidt")?.map((p) => p.immutableId)).toEqual([IDS.jan, IDS.julia]);
    expect(directory.byAddress.get("m.mueller@fa-luebeck.example")?.map((p) => p.uid)).toEqual(["mmueller"]);
    expect(directory.byAddress.get("maria.mueller@fa-luebeck.example")?.map((p) => p.uid)).toEqual(["mmueller"]);
    expect([...directory.byObjectGuid.entries()].map(([guid, p]) => [guid, p.uid])).toEqual([[IDS.petra, "pkoch"]]);
    expect(directory.byUid.get("tweber")?.map((p) => p.uid)).toEqual(["tweber"]);
  });
  it("the Exchange export indexed under the wrong keys", () => {
    const dir = copyFixtures();
    const { exchange } = loadPolicyContext(config({ exchange: path.join(dir, "exchange.csv") }));
    expect(exchange.file).toBe(path.join(dir, "exchange.csv"));
    expect(exchange.byGuid.get(IDS.poststelle)?.primarySmtp.normalised).toBe("poststelle@fa-luebeck.example");
    expect(exchange.byAddress.get("info@fa-luebeck.example")?.map((s) => s.exchangeGuid)).toEqual([IDS.poststelle]);
    expect(exchange.sources).toHaveLength(7);
  });
  it("a changed export served from the cache", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const dir = copyFixtures();
    const cfg = config({ directory: path.join(dir, "directory.ldif"), exchange: path.join(dir, "exchange.csv") });
    const first = loadPolicyContext(cfg);
    expect(loadPolicyContext(cfg)).toBe(first);
    expect(loadPolicyContext({ ...cfg })).toBe(first);
    vi.advanceTimersByTime(999);
    expect(loadPolicyContext(cfg)).toBe(first);
    vi.advanceTimersByTime(1);
    const again = loadPolicyContext(cfg);
    expect(again).not.toBe(first);
    expect(again.directory).toBe(first.directory);
    fs.appendFileSync(
      path.join(dir, "directory.ldif"),
      "\ndn: uid=neu,ou=kiel,dc=fa,dc=example\nobjectClass: inetOrgPerson\nuid: neu\ncn: Neu\nou: kiel\nentryUUID: 9e9e0000-6666-4a66-8666-000000000006\n",
    );
    vi.advanceTimersByTime(1000);
    const changed = loadPolicyContext(cfg);
    expect(changed.directory).not.toBe(first.directory);
    expect(changed.directory.people).toHaveLength(first.directory.people.length + 1);
    expect(changed.exchange).toBe(first.exchange);
  });
  it("an unreadable or invalid export accepted", () => {
    const dir = copyFixtures();
    const exchange = path.join(dir, "exchange.csv");
    expect(errorOf(config({ directory: path.join(dir, "missing.ldif") })).message).toBe(`cannot read ${path.join(dir, "missing.ldif")}: ENOENT`);
    fs.writeFileSync(exchange, '"DisplayName"\n"x"\n');
    const invalid = errorOf(config({ exchange }));
    expect(invalid).toBeInstanceOf(PolicyConfigError);
    expect(invalid.message).toMatch(new RegExp(`^cannot use ${exchange.replace(/[.]/g, "\\.")}: .+`));
  });
});
