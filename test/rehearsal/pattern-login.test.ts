// Issue 16 class 3 on real Dovecot 2.3: a target login with a wildcard makes `doveadm backup -R -u`
// a user mask, so one source is copied into every matching mailbox (exit 0). The resolver refuses
// the input that would render it (exit 2) and logins-are-literal rejects the script that would run it.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { K8S } from "@oxmig/core/contract";
import { InputError } from "@oxmig/core/errors";
import { LIFECYCLE_DATA_KEY, lifecycleOf } from "@oxmig/core/lifecycle";
import { renderMigrationScript } from "@oxmig/core/migration-script";
import type { Binding } from "@oxmig/core/model";
import { pairingOf } from "@oxmig/core/pairings";
import { readInventory } from "../../io/inventory";
import { loginsAreLiteral } from "../../policies/rules/logins-are-literal";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { newRunSecret } from "../../rehearsal/migration/keys";
import type { PairResult } from "../../rehearsal/migration/migrate";
import { startRehearsal, type Rehearsal } from "../../rehearsal/rehearse";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { FINGERPRINT_HEADER } from "../../rehearsal/migration/seed";
import { buildResources, type ResourceRecord } from "../fixtures/policies/plan";
import { expectViolation, run } from "../policies/helpers";
import { tinyBindings, tinyEvidence } from "./fixture-bindings";
import { settleDovecots } from "./dovecot-guard";

const PATTERN = "shared-poststelle*";
const LOGINS = ["shared-poststelle", "shared-poststelle-im", "shared-poststelle-lkn"];
const SEEDED = 2;

/** Three shared mailboxes whose logins all match the pattern, each with its own source. */
function sharedBindings(mailRoot: string): Binding[] {
  return tinyBindings(LOGINS.length, mailRoot).map((b, i) => {
    const { owner: _owner, ...rest } = b;
    return { ...rest, kind: "shared", oxName: LOGINS[i]!, imapLogin: LOGINS[i]!, dovecotLogin: LOGINS[i]!, source: { ...b.source, type: "SharedMailbox" } };
  });
}

/** The fingerprinted sources (ExchangeGuids) whose mail a target mailbox holds. */
async function sourcesIn(rehearsal: Rehearsal, login: string): Promise<Set<string>> {
  const content = await readMailbox(endpointsOf(rehearsal.target), login);
  expect(content.readError).toBeUndefined();
  const header = new RegExp(`^${FINGERPRINT_HEADER}: ([0-9a-f-]+)/\\d+`, "im");
  return new Set(content.messages.map((m) => header.exec(m.source ?? "")?.[1] ?? "(no fingerprint)"));
}

describe("a pattern login on real Dovecot", () => {
  let root: string;
  let bindings: Binding[];
  let rehearsal: Rehearsal | undefined;
  let result: PairResult;

  beforeAll(async () => {
    root = mkdtempOwned("oxmig-pattern-login-");
    bindings = sharedBindings(join(root, "target", "vmail"));
    rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: tinyEvidence(bindings) });
    await rehearsal.seed(SEEDED);
    // Only the first mailbox's pair runs, with its login turned into a mask.
    [result] = (await rehearsal.migrate([{ ...pairingOf(bindings[0]!), targetLogin: PATTERN }])) as [PairResult];
  }, 60_000);

  afterAll(() =>
    settleDovecots(
      () => rehearsal?.stop(),
      () => (root ? [root] : []),
    ),
  );

  it("doveadm backup -R -u 'shared-poststelle*' exits 0 and writes one source into every matching mailbox", { timeout: 30_000 }, async () => {
    expect(result.exitCode).toBe(0);
    const first = bindings[0]!.source.exchangeGuid;
    for (const login of LOGINS) expect([...(await sourcesIn(rehearsal!, login))], login).toEqual([first]);
  });

  it("the resolver refuses the Exchange Alias that would render the mask (exit 2, file and line)", () => {
    const inventory = readInventory(join(__dirname, "../fixtures/inputs/good"));
    const sources = inventory.sources.map((s) => (s.alias === "poststelle" ? { ...s, alias: "poststelle*" } : s));
    let error: unknown;
    try {
      resolveBindings({ ...inventory, sources });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(
      /plan\.yaml: line \d+ .*login "shared-poststelle\*" from the Exchange Alias "poststelle\*" \(.*exchange\.csv line \d+\)/,
    );
  });

  it("logins-are-literal rejects the migrate.sh that runs exactly this pair", async () => {
    const resources = buildResources().filter((r) => !r.name.startsWith("pairings-") && r.type !== "kubernetes:batch/v1:Job");
    const pairings = [{ ...pairingOf(bindings[0]!), targetLogin: PATTERN }];
    const data = {
      // pairings.json stays correct: only the script runs the mask.
      [K8S.pairingsDataKey]: JSON.stringify([pairingOf(bindings[0]!)]),
      "migrate.sh": renderMigrationScript({ wave: "w01", phase: "copying", pairings }),
      [LIFECYCLE_DATA_KEY]: JSON.stringify(lifecycleOf({ name: "w01", phase: "copying" })),
    };
    const metadata = { name: "pairings-w01", labels: { [K8S.labelWave]: "w01" }, annotations: { [K8S.annotationPhase]: "copying" } };
    const table: ResourceRecord = { type: "kubernetes:core/v1:ConfigMap", name: "pairings-w01", props: { metadata, data }, protect: false };
    expectViolation(
      await run(loginsAreLiteral, [...resources, table]),
      `migrate.sh doveadm backup -u "${PATTERN}" is not a literal login`,
      "doveadm user-mask wildcard",
    );
  });
});
