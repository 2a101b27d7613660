// The migration as executed, on real Dovecots (needs Dovecot 2.3): a migrate.sh whose pair lines are
// crossed, next to a correct pairings.json, really puts one person's Exchange mail into the other's
// mailbox when sh runs it, and so does a second `-o imapc_user=` (the last one wins); in both cases
// migration-moves-own-mail rejects the plan that carries that script.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDirectory } from "@oxmig/core/directory";
import { parseExchange } from "@oxmig/core/exchange";
import { homeFor, keyNameFor } from "@oxmig/core/ids";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";
import type { Binding } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { allIndexes, runIndexes } from "../../rehearsal/migration/indexed-run";
import { writeImapcConf } from "../../rehearsal/migration/migrate";
import { startRehearsal } from "../../rehearsal/rehearse";
import { mkdirOwned, mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { FINGERPRINT_HEADER } from "../../rehearsal/migration/seed";
import { FIXTURE_MAILBOXES, IDS, type MailboxSpec } from "../fixtures/policies/plan";
import { addSecondSource, configMapOf, crossSources, executedPlan } from "../policies/executed-migration-fixtures";
import { expectNone, expectViolation, FIXTURES, run } from "../policies/helpers";
import { tinyBindings } from "./fixture-bindings";
import { settleDovecots } from "./dovecot-guard";

const WAVE = FIXTURE_MAILBOXES.filter((m) => m.wave === "w01"); // Maria Müller, Jan Schmidt, Poststelle Lübeck
const SEEDED = 2;
const roots: string[] = [];

afterAll(() => settleDovecots(undefined, () => roots));

/** The fixture exports (directory.ldif, exchange.csv) the rule reads too. */
function fixtureEvidence() {
  const people = parseDirectory(readFileSync(join(FIXTURES, "directory.ldif")), "directory.ldif");
  return sourceEvidence(people, parseExchange(readFileSync(join(FIXTURES, "exchange.csv"), "utf8"), "exchange.csv"));
}

/** Rehearsal bindings for the fixture plan's specs: target login, home and source login as the program renders them. */
function bindingsFor(specs: readonly MailboxSpec[], mailRoot: string): Binding[] {
  return tinyBindings(specs.length, mailRoot).map((b, i) => {
    const m = specs[i]!;
    return {
      ...b,
      mailboxId: m.id,
      kind: m.kind,
      oxName: m.login,
      imapLogin: m.login,
      dovecotLogin: m.login,
      home: homeFor(m.id, mailRoot),
      keyName: keyNameFor(m.id),
      source: { ...b.source, exchangeGuid: m.sourceGuid, login: m.sourceUpn },
    };
  });
}

/** The Job's script with its two in-cluster paths pointed at this rehearsal's doveadm config and state dir. */
function localScript(script: string, doveadmConf: string, stateDir: string): string {
  return script.replaceAll(MIGRATION_PATHS.doveadmConf, doveadmConf).replaceAll(MIGRATION_PATHS.stateDir, stateDir);
}

/** Source ExchangeGuids whose seeded messages a target mailbox holds (from each message's fingerprint). */
async function sourcesIn(endpoints: ReturnType<typeof endpointsOf>, login: string): Promise<string[]> {
  const { messages, readError } = await readMailbox(endpoints, login);
  expect(readError).toBeUndefined();
  const prints = messages.map((m) => new RegExp(`^${FINGERPRINT_HEADER}: ([0-9a-f-]+)/`, "mi").exec(m.source ?? "")?.[1] ?? "none");
  return [...new Set(prints)].sort();
}

/** Starts the source and target Dovecots, seeds the sources, runs `script` as the Job's pods would (one sh per index), and reports which sources each target holds. */
async function runOnDovecot(script: string): Promise<Map<string, string[]>> {
  const root = mkdtempOwned("oxmig-executed-test-");
  roots.push(root);
  const bindings = bindingsFor(WAVE, join(root, "target", "vmail"));
  const rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: fixtureEvidence() });
  try {
    await rehearsal.seed(SEEDED);
    const stateDir = join(root, "state");
    mkdirOwned(stateDir);
    const file = join(root, "migrate.sh");
    writeFileSync(file, localScript(script, writeImapcConf(rehearsal.source, rehearsal.target), stateDir));
    // One run per Job index, as the Indexed Job's pods run it.
    const ran = await runIndexes(file, allIndexes(WAVE.length), 2);
    expect(
      ran.map((r) => [r.exitCode, r.stdout.replace(/^done \S+ \(index (\d+)\)\n$/, "$1")]),
      ran.map((r) => r.stderr).join(""),
    ).toEqual(WAVE.map((_, i) => [0, String(i)]));
    const target = endpointsOf(rehearsal.target);
    const held = new Map<string, string[]>();
    for (const m of WAVE) held.set(m.login, await sourcesIn(target, m.login));
    return held;
  } finally {
    await rehearsal.stop();
  }
}

const [maria, jan, poststelle] = WAVE as [MailboxSpec, MailboxSpec, MailboxSpec];
const rendered = () => configMapOf(executedPlan(), "w01").props.data["migrate.sh"] as string;

/** The fixture plan carrying `script` as wave w01's migrate.sh (pairings.json stays correct). */
function planWith(script: string) {
  const plan = executedPlan();
  configMapOf(plan, "w01").props.data["migrate.sh"] = script;
  return plan;
}

describe.concurrent("the migration as executed on real Dovecots", () => {
  it("crossed pair lines copy each person's mail into the other's mailbox, and the rule rejects the plan", { timeout: 60_000 }, async () => {
    const crossed = crossSources(rendered(), IDS.maria, IDS.jan);
    expectNone(await run(migrationMovesOwnMail, executedPlan()));
    const violations = await run(migrationMovesOwnMail, planWith(crossed));
    expectViolation(
      violations,
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `"jschmidt@corp.example" = Exchange mailbox jan.schmidt@fa-luebeck.example`,
    );
    expectViolation(
      violations,
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `"mmueller@corp.example" = Exchange mailbox maria.mueller@fa-luebeck.example`,
    );

    const held = await runOnDovecot(crossed);
    expect(held.get(maria.login)).toEqual([jan.sourceGuid]);
    expect(held.get(jan.login)).toEqual([maria.sourceGuid]);
    expect(held.get(poststelle.login)).toEqual([poststelle.sourceGuid]);
  });

  it("a second -o imapc_user on one line: doveadm copies the last one's mail, and the rule rejects the plan", { timeout: 60_000 }, async () => {
    const twice = addSecondSource(rendered(), IDS.poststelle, maria.sourceUpn);
    expectViolation(
      await run(migrationMovesOwnMail, planWith(twice)),
      "mailbox poststelle@fa-luebeck.example",
      `"mmueller@corp.example" = Exchange mailbox maria.mueller@fa-luebeck.example`,
      "the shared mailbox itself",
    );

    const held = await runOnDovecot(twice);
    expect(held.get(poststelle.login)).toEqual([maria.sourceGuid]);
    expect(held.get(maria.login)).toEqual([maria.sourceGuid]);
    expect(held.get(jan.login)).toEqual([jan.sourceGuid]);
  });
});
