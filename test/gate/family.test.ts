// A small generated family (3 shards over one inventory) through the family gate, with one mailbox
// shard's address given to another shard's mailbox after the family lock was approved.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dump, load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coverageFindings, shardContexts } from "../../gate/family-config";
import { familyConcurrency, runFamilyGate, type FamilyGateRun } from "../../gate/family";
import { writeFamilyLock } from "../support/family-lock-write";
import { generate } from "@oxmig/core/generate";
import { parsePlan } from "@oxmig/core/plan";
import { isBlocking } from "../../engine/violations";
import { readFamily } from "../../gate/family-config";

const ROOT = resolve(__dirname, "../..");
const FAMILY = `famtest${process.pid}`;
const SHARDS: Record<string, string[]> = { a: ["im"], b: ["fa-kiel"], c: ["lkn"] };
let dir = "";
const stackFiles: string[] = [];

interface RawPlan {
  waves: { context: string; mailboxes: { source: string; owner?: string; aliases?: string[] }[] }[];
}

/** Routes the first mailbox address of context `from` also to the first mailbox of context `to`, as an alias. */
function aliasAcross(from: string, to: string): string {
  const file = join(dir, "plan.yaml");
  const plan = load(readFileSync(file, "utf8")) as RawPlan;
  const taken = plan.waves.find((w) => w.context === from)!.mailboxes[0]!.source;
  const target = plan.waves.find((w) => w.context === to)!.mailboxes[0]!;
  target.aliases = [...(target.aliases ?? []), taken];
  writeFileSync(file, dump(plan));
  return taken;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "oxmig-family-"));
  const inv = generate({ people: 120, seed: 7, organisations: ["im", "fa-kiel", "lkn"], waveSize: 40 });
  writeFileSync(join(dir, "directory.ldif"), inv.directoryLdif);
  writeFileSync(join(dir, "exchange.csv"), inv.exchangeCsv);
  writeFileSync(join(dir, "plan.yaml"), inv.planYaml);
  for (const [shard, contexts] of Object.entries(SHARDS)) {
    const file = join(ROOT, `Pulumi.${FAMILY}-${shard}.yaml`);
    const config = {
      "oxmig:family": FAMILY,
      "oxmig:inventory": dir,
      "oxmig:contexts": contexts,
      "oxmig:protect": true,
      "oxmig:stackKind": "prod",
      "oxmig:oxEndpoint": "http://127.0.0.1:8009",
      "oxmig:imapServer": "imap://127.0.0.1:143",
      "oxmig:smtpServer": "smtp://127.0.0.1:587",
      "oxmig:sourceImapHost": "exchange.example",
    };
    writeFileSync(file, dump({ config }));
    stackFiles.push(file);
  }
  writeFamilyLock(FAMILY, ROOT);
});

afterAll(() => {
  for (const f of stackFiles) rmSync(f, { force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("family coverage", () => {
  it("names the shards of a context planned in two shards, and a context in none", () => {
    const plan = parsePlan(readFileSync(join(dir, "plan.yaml"), "utf8"), "plan.yaml");
    expect(coverageFindings(FAMILY, shardContexts(readFamily(FAMILY, ROOT).shards, plan), plan, "plan.yaml")).toEqual([]);
    const messages = coverageFindings(FAMILY, { [`${FAMILY}-a`]: ["im", "lkn"], [`${FAMILY}-b`]: ["lkn"] }, plan, "plan.yaml").map((f) => f.message);
    expect(messages).toContainEqual(expect.stringContaining(`context lkn is in 2 shards of family ${FAMILY}: ${FAMILY}-a, ${FAMILY}-b`));
    expect(messages).toContainEqual(expect.stringContaining("context fa-kiel is in no shard"));
  });

  it("sizes parallelism by cores and by free memory at ~3 GB a shard", () => {
    expect(familyConcurrency(8, 24 * 2 ** 30, 2)).toBe(2);
    expect(familyConcurrency(8, 7 * 2 ** 30, 16)).toBe(2);
    expect(familyConcurrency(3, 64 * 2 ** 30, 16)).toBe(3);
    expect(familyConcurrency(8, 1 * 2 ** 30, 4)).toBe(1);
  });
});

describe("family gate", () => {
  let run: FamilyGateRun;
  let source = "";
  beforeAll(async () => {
    source = aliasAcross("im", "fa-kiel");
    run = await runFamilyGate(FAMILY, { root: ROOT });
  }, 300_000);

  it("an address of one shard's mailbox given to another shard's mailbox is rejected by the family cross-check, naming both shards", () => {
    const cross = run.result.violations.filter((v) => v.policy === "family-unique-across-shards");
    expect(cross.map((v) => v.message)).toContainEqual(
      expect.stringMatching(new RegExp(`shard ${FAMILY}-a .*shard ${FAMILY}-b|shard ${FAMILY}-b .*shard ${FAMILY}-a`)),
    );
    expect(cross.some((v) => v.message.includes(source))).toBe(true);
  });

  it("the policy pack's unique-across-shards rejects the shard against the approved family lock", () => {
    const found = run.result.violations.filter((v) => v.policy === "unique-across-shards" && isBlocking(v));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.shard === `${FAMILY}-b` && v.message.includes(`of shard ${FAMILY}-a`))).toBe(true);
  });

  it("the untouched shards pass, and the family report sums their mailboxes", () => {
    const byShard = new Map(run.shards.map((s) => [s.shard, s]));
    expect(byShard.get(`${FAMILY}-a`)!.result.violations.filter(isBlocking)).toEqual([]);
    expect(byShard.get(`${FAMILY}-c`)!.result.violations.filter(isBlocking)).toEqual([]);
    expect(run.result.stack).toBe(FAMILY);
    expect(run.result.mailboxes).toBe(run.shards.reduce((n, s) => n + s.result.mailboxes, 0));
  });
});
