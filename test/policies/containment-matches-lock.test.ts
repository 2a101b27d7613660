import { describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { containmentMatchesLock } from "../../policies/rules/containment-matches-lock";
import { containedEntries, denyRecord, withContainment } from "../fixtures/policies/containment";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, lockEntries, oxUser, run, UNKNOWN_STRING, writeLock } from "./helpers";

const REASON = "INC-2026-0042: holds foreign mail";
const CONTAINED = { [IDS.maria]: REASON, [IDS.poststelle]: REASON };
const approved = writeLock(containedEntries(lockEntries(), CONTAINED));
const nobodyContained = writeLock(lockEntries());
const withLock = (lock: string) => config({ lock });

describe("containment-matches-lock accepts", () => {
  it("two contained mailboxes of one context: both logins in its deny list, both OX users disabled, as the lock records", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    expect(denyRecord(plan, "luebeck").props.data[K8S.denyDataKey]).toBe("mmueller\nshared-poststelle\n");
    expectNone(await run(containmentMatchesLock, plan, withLock(approved)));
  });

  it("nobody contained: every deny list empty, every OX user enabled (also at preview, and without a lock)", async () => {
    expectNone(await run(containmentMatchesLock, withContainment(buildResources()), withLock(nobodyContained)));
    expectNone(await run(containmentMatchesLock, withContainment(buildResources(undefined, { withSecrets: false })), withLock(nobodyContained)));
    expectNone(await run(containmentMatchesLock, withContainment(buildResources()), config()));
  });

  it("an OX user that does not declare mailEnabled counts as enabled (the provider's default)", async () => {
    const plan = withContainment(buildResources());
    delete oxUser(plan, IDS.jan).props.mailEnabled;
    expectNone(await run(containmentMatchesLock, plan, withLock(nobodyContained)));
  });
});

describe("containment-matches-lock rejects", () => {
  it("a login added to the deny list by hand: a person locked out without review", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    denyRecord(plan, "luebeck").props.data[K8S.denyDataKey] += "jschmidt\n";
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(approved)),
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      'deny-luebeck line 3 blocks login "jschmidt", but the lock',
      "records no containment for it: a person locked out without review",
    );
  });

  it("a contained mailbox missing from the deny list: the person can still read the mail being cleaned up", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    denyRecord(plan, "luebeck").props.data[K8S.denyDataKey] = "shared-poststelle\n";
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(approved)),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `contains this mailbox (${REASON}), but deny-luebeck does not block its login "mmueller"`,
    );
  });

  it("a contained mailbox whose OX user is still enabled", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    oxUser(plan, IDS.maria).props.mailEnabled = true;
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(approved)),
      "mailbox maria.mueller@fa-luebeck.example",
      `is not disabled (mailEnabled must be false): OX still lets the person log in`,
    );
  });

  it("an OX user disabled without a containment in the lock", async () => {
    const plan = withContainment(buildResources());
    oxUser(plan, IDS.petra).props.mailEnabled = false;
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(nobodyContained)),
      "mailbox petra.koch@fa-kiel.example",
      "is disabled (mailEnabled false), but the lock",
      "records no containment for it",
    );
  });

  it("a containment in the plan that was never locked: deny line and disabled user both unreviewed", async () => {
    const violations = await run(containmentMatchesLock, withContainment(buildResources(), { [IDS.petra]: REASON }), withLock(nobodyContained));
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", 'deny-kiel line 1 blocks login "pkoch"', "a person locked out without review");
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "is disabled (mailEnabled false)");
    const noLock = await run(containmentMatchesLock, withContainment(buildResources(), { [IDS.petra]: REASON }), config());
    expectViolation(noLock, 'deny-kiel line 1 blocks login "pkoch", but the binding lock (none is configured) records no containment');
  });

  it("a context without a deny list: a missing file refuses nobody", async () => {
    const plan = withContainment(buildResources()).filter((r) => r.name !== "deny-kiel");
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(nobodyContained)),
      "context kiel",
      "declares no deny list deny-kiel",
      "a missing file refuses nobody",
    );
  });

  it("a login that is no login of the context's userdb", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    denyRecord(plan, "luebeck").props.data[K8S.denyDataKey] += "mmuellr\n";
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(approved)),
      'deny-luebeck (rule containment-matches-lock) line 3 blocks "mmuellr", which is no login of the context\'s userdb',
    );
  });

  it("a line Dovecot would never match: capitals, or more than a login", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    denyRecord(plan, "luebeck").props.data[K8S.denyDataKey] = "MMueller\nshared-poststelle:x\n";
    const violations = await run(containmentMatchesLock, plan, withLock(approved));
    expectViolation(violations, "deny-luebeck (rule containment-matches-lock) line 1", '"MMueller" is not a literal login', "upper case");
    expectViolation(violations, "deny-luebeck (rule containment-matches-lock) line 2 holds more than a login");
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", 'does not block its login "mmueller"');
  });

  it("anything mounted next to the list, or the list missing from the ConfigMap", async () => {
    const extra = withContainment(buildResources(), CONTAINED);
    denyRecord(extra, "luebeck").props.data["other.passwd"] = "jschmidt\n";
    expectViolation(
      await run(containmentMatchesLock, extra, withLock(approved)),
      "deny-luebeck (rule containment-matches-lock): data holds keys besides deny.passwd: other.passwd",
    );
    const binary = withContainment(buildResources(), CONTAINED);
    denyRecord(binary, "luebeck").props.binaryData = { "deny.passwd": "am9l" };
    expectViolation(await run(containmentMatchesLock, binary, withLock(approved)), "deny-luebeck (rule containment-matches-lock): binaryData is set");
    const missing = withContainment(buildResources(), CONTAINED);
    denyRecord(missing, "luebeck").props.data = {};
    expectViolation(await run(containmentMatchesLock, missing, withLock(approved)), 'data["deny.passwd"] is missing');
  });

  it("fails closed on a deny list or mailEnabled unknown at preview", async () => {
    const plan = withContainment(buildResources(undefined, { withSecrets: false }), CONTAINED);
    denyRecord(plan, "luebeck").props.data[K8S.denyDataKey] = UNKNOWN_STRING;
    oxUser(plan, IDS.petra).props.mailEnabled = UNKNOWN_STRING;
    const violations = await run(containmentMatchesLock, plan, withLock(approved));
    expectViolation(violations, `deny-luebeck (rule containment-matches-lock): data.${K8S.denyDataKey} is unknown at preview`);
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "mailEnabled is unknown at preview");
  });

  it("two deny lists for one context", async () => {
    const plan = withContainment(buildResources(), CONTAINED);
    plan.push({ ...structuredClone(denyRecord(plan, "luebeck")), name: "deny-luebeck-2" });
    expectViolation(
      await run(containmentMatchesLock, plan, withLock(approved)),
      "context luebeck (rule containment-matches-lock) has 2 deny lists (deny-luebeck, deny-luebeck-2)",
    );
  });

  it("names the rule, says what it checks and is mandatory", () => {
    expect(containmentMatchesLock.name).toBe("containment-matches-lock");
    expect(containmentMatchesLock.description).toMatch(
      /^Checks whether each context's deny list blocks exactly the logins .* contained, and whether exactly those mailboxes' OX users are disabled\.$/,
    );
    expect(containmentMatchesLock.enforcementLevel).toBe("mandatory");
  });
});
