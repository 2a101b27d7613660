import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DELEGATE_RIGHTS, renderAclScript, type AclGrantSpec } from "@oxmig/core/acl-grants";
import { K8S, TYPES } from "@oxmig/core/contract";
import { delegationWithinOrganisation } from "../../policies/rules/delegation-within-organisation";
import { buildResources, FIXTURE_MAILBOXES, IDS, type MailboxSpec, type ResourceRecord } from "../fixtures/policies/plan";
import {
  attrs,
  config,
  editJson,
  expectNone,
  expectViolation,
  FIXTURES,
  oxUser as oxUserRecord,
  record,
  run,
  UNKNOWN_STRING,
  USER_ATTRIBUTES,
  type Violation,
} from "./helpers";
import { policyTempDir } from "./temp-dirs";

const GRANTS: AclGrantSpec[] = [
  { mailboxLogin: "shared-poststelle", delegateLogins: ["mmueller", "jschmidt"] },
  { mailboxLogin: "room-raum101", delegateLogins: ["pkoch"] },
];

function acl(context: string, script: string): ResourceRecord {
  const metadata = { name: `acl-${context}`, labels: { [K8S.labelContext]: context, [K8S.labelRole]: "acl" } };
  return { type: TYPES.configMap, name: `acl-${context}`, props: { metadata, data: { [K8S.aclScriptKey]: script } }, protect: false, parent: `ctx-${context}` };
}

/** The fixture's resources plus its delegation, as the program declares them. */
function withAcls(grants: AclGrantSpec[] = GRANTS, mailboxes: readonly MailboxSpec[] = FIXTURE_MAILBOXES): ResourceRecord[] {
  const luebeck = grants.filter((g) => g.mailboxLogin !== "room-raum101");
  const kiel = grants.filter((g) => g.mailboxLogin === "room-raum101");
  return [...buildResources(mailboxes), acl("luebeck", renderAclScript(luebeck)), acl("kiel", renderAclScript(kiel))];
}

/** One more line in Lübeck's script. */
function withLine(line: string, mailboxes?: readonly MailboxSpec[]): ResourceRecord[] {
  const resources = withAcls(GRANTS, mailboxes);
  const data = record(resources, "acl-luebeck").props.data as Record<string, string>;
  data[K8S.aclScriptKey] += `${line}\n`;
  return resources;
}

const RIGHTS = "lookup read write write-seen";
const grantLine = (identifier: string, target = "shared-poststelle", rights = RIGHTS, mailbox = "INBOX") =>
  `doveadm acl set -u '${target}' ${mailbox} '${identifier}' ${rights}`;

const TOM: MailboxSpec = {
  id: "7e7e0000-5555-4a55-8555-000000000005",
  kind: "personal",
  owner: "7e7e0000-5555-4a55-8555-000000000005",
  login: "tweber",
  context: "luebeck",
  wave: "w01",
  displayName: "Tom Weber",
  primary: "tom.weber@fa-luebeck.example",
  aliases: [],
  sourceGuid: "e0000000-0000-4000-8000-000000000005",
  sourceUpn: "tweber@corp.example",
};
const petraIn = (context: string): MailboxSpec[] => FIXTURE_MAILBOXES.map((m) => (m.id === IDS.petra ? { ...m, context, wave: "w01" } : m));

describe("delegation-within-organisation", () => {
  it("accepts the rendered grants to people of each mailbox's own organisation", async () => {
    expectNone(await run(delegationWithinOrganisation, withAcls()));
  });

  it("accepts a context without delegates and a stack without delegation resources", async () => {
    expectNone(await run(delegationWithinOrganisation, withAcls([])));
    expectNone(await run(delegationWithinOrganisation, buildResources()));
  });

  it("rejects grants to anyone, to every authenticated user, to a group and to the owner identifier", async () => {
    for (const identifier of ["anyone", "authenticated", "group=staff", "group-override=staff", "owner"]) {
      expectViolation(
        await run(delegationWithinOrganisation, withLine(grantLine(identifier))),
        "mailbox poststelle@fa-luebeck.example",
        `grants to "${identifier}"`,
      );
    }
  });

  it("rejects a delegate from another organisation who has no mailbox in the context", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=pkoch"))),
      "mailbox poststelle@fa-luebeck.example (owner pkoch)",
      "delegate login pkoch is not the personal mailbox of one person declared in context luebeck",
      "ou kiel",
    );
  });

  it("rejects a delegate from another organisation seconded into the context", async () => {
    const violations = await run(delegationWithinOrganisation, withLine(grantLine("user=pkoch"), petraIn("luebeck")));
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", "delegate directory uid pkoch", "is not of organisation luebeck");
  });

  it("rejects a delegate who is disabled in the directory, with or without a mailbox", async () => {
    expectViolation(await run(delegationWithinOrganisation, withLine(grantLine("user=tweber"))), "directory uid tweber", "disabled");
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=tweber"), [...FIXTURE_MAILBOXES, TOM])),
      "delegate directory uid tweber",
      "is disabled in the directory",
    );
  });

  it("rejects a delegate login nobody has", async () => {
    expectViolation(await run(delegationWithinOrganisation, withLine(grantLine("user=ghost"))), "delegate login ghost", "no directory uid ghost");
  });

  it("rejects a shared mailbox or another functional mailbox as delegate", async () => {
    const resources = withLine(grantLine("user=shared-poststelle"));
    expectViolation(await run(delegationWithinOrganisation, resources), "it is a shared mailbox");
  });

  it("rejects admin and delete rights", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", "lookup read admin"))),
      "grants rights admin",
    );
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", "lookup delete"))),
      "grants rights delete",
    );
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", "lrwstipekxa"))),
      "grants rights lrwstipekxa",
    );
  });

  it("rejects a grant on a personal mailbox: someone's own mail opened to a colleague", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=jschmidt", "mmueller"))),
      "mailbox maria.mueller@fa-luebeck.example (owner jschmidt)",
      "only shared, room and equipment mailboxes have delegates",
    );
  });

  it("rejects a grant on a login of another context, an unknown login and a doveadm mask", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "room-raum101"))),
      "grants on login room-raum101, which is not a shared, room or equipment mailbox of context luebeck",
    );
    expectViolation(await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-nobody"))), "grants on login shared-nobody");
    expectViolation(await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-*"))), "doveadm reads * and ? as a mask");
  });

  it("rejects a grant on a folder other than INBOX", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", RIGHTS, "Archiv"))),
      `grants on folder "Archiv"`,
    );
  });

  it("rejects a grant whose mailbox login the userdb opens as another mailbox", async () => {
    const resources = withAcls();
    const annotations = record(resources, "userdb-luebeck").props.metadata.annotations as Record<string, string>;
    editJson<{ login: string; mailboxId: string }>(annotations, K8S.annotationUserdbIndex, (index) => {
      index.find((e) => e.login === "shared-poststelle")!.mailboxId = IDS.maria;
    });
    expectViolation(
      await run(delegationWithinOrganisation, resources),
      "mailbox poststelle@fa-luebeck.example",
      `userdb-luebeck opens login shared-poststelle as mailbox ${IDS.maria}`,
    );
  });

  it("rejects lines that are not exactly a rendered grant", async () => {
    for (const line of [
      "doveadm acl add -u 'shared-poststelle' INBOX 'user=mmueller' lookup",
      "doveadm acl set -A INBOX 'user=mmueller' lookup",
      "# comment",
      "doveadm acl set -u shared-poststelle INBOX user=mmueller lookup; rm -rf /",
      "doveadm -o acl=none acl set -u shared-poststelle INBOX user=mmueller lookup",
    ]) {
      expectViolation(await run(delegationWithinOrganisation, withLine(line)), "delegation acl-luebeck apply-acl.sh: line ");
    }
  });

  it("fails closed on a script unknown at preview, binaryData, extra keys and a missing context label", async () => {
    const unknown = withAcls();
    record(unknown, "acl-luebeck").props.data[K8S.aclScriptKey] = UNKNOWN_STRING;
    expectViolation(await run(delegationWithinOrganisation, unknown), "delegation acl-luebeck", "unknown at preview");
    const binary = withAcls();
    record(binary, "acl-luebeck").props.binaryData = { "apply-acl.sh": "ZG92ZWFkbQ==" };
    expectViolation(await run(delegationWithinOrganisation, binary), "binaryData is set");
    const extra = withAcls();
    record(extra, "acl-luebeck").props.data["more.sh"] = "doveadm acl set -u shared-poststelle INBOX anyone lookup";
    expectViolation(await run(delegationWithinOrganisation, extra), "data holds keys besides apply-acl.sh: more.sh");
    const unlabelled = withAcls();
    delete record(unlabelled, "acl-luebeck").props.metadata.labels;
    expectViolation(await run(delegationWithinOrganisation, unlabelled), "has no oxmig.example/context label");
  });

  it("fails closed when the userdb index is unknown, unreadable or declared twice", async () => {
    const unknown = withAcls();
    record(unknown, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expectViolation(await run(delegationWithinOrganisation, unknown), "mailbox poststelle@fa-luebeck.example", "unknown at preview");
    const broken = withAcls();
    record(broken, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "not json";
    expectViolation(await run(delegationWithinOrganisation, broken), "userdb-luebeck index cannot be read");
    const twice = withAcls();
    twice.push(structuredClone(record(twice, "userdb-luebeck")));
    expectViolation(await run(delegationWithinOrganisation, twice), "2 userdbs are declared for context luebeck");
  });

  it("rejects a delegate whose login the userdb does not open as their own mailbox", async () => {
    const resources = withAcls();
    const annotations = record(resources, "userdb-luebeck").props.metadata.annotations as Record<string, string>;
    editJson<{ login: string; mailboxId: string }>(annotations, K8S.annotationUserdbIndex, (index) => {
      index.find((e) => e.login === "jschmidt")!.mailboxId = IDS.maria;
    });
    expectViolation(
      await run(delegationWithinOrganisation, resources),
      "(owner jschmidt)",
      "delegate login jschmidt cannot be confirmed",
      `opens login jschmidt as mailbox ${IDS.maria}`,
    );
  });

  it("rejects two OX users with the mailbox's login", async () => {
    const resources = withAcls();
    const copy = structuredClone(oxUserRecord(resources, IDS.poststelle));
    copy.name = "oxuser-copy";
    resources.push(copy);
    expectViolation(await run(delegationWithinOrganisation, resources), "2 OX users of the context have this login");
  });

  it("rejects a delegate login whose mailbox belongs to someone else or to nobody in the directory", async () => {
    const resources = withAcls();
    attrs(oxUserRecord(resources, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expectViolation(
      await run(delegationWithinOrganisation, resources),
      "delegate login jschmidt is the mailbox of directory uid mmueller",
      "whose login is mmueller",
    );
    const orphan = withAcls();
    attrs(oxUserRecord(orphan, IDS.jan))[USER_ATTRIBUTES.ownerId] = "99999999-9999-4999-8999-999999999999";
    expectViolation(await run(delegationWithinOrganisation, orphan), "delegate login jschmidt: owner id 99999999-9999-4999-8999-999999999999 is not in");
  });

  it("fails closed when the mailbox's source or organisation cannot be established", async () => {
    const unknownSource = withAcls();
    attrs(oxUserRecord(unknownSource, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-0000000000ff";
    expectViolation(
      await run(delegationWithinOrganisation, unknownSource),
      "organisation of poststelle@fa-luebeck.example cannot be established: source ExchangeGuid",
    );
    const foreignDomain = withAcls();
    attrs(oxUserRecord(foreignDomain, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-00000000000b";
    // The room's source is in Kiel's domain: its delegates must then be of Kiel, and Lübeck's are not.
    expectViolation(await run(delegationWithinOrganisation, foreignDomain), "(owner mmueller)", "is not of organisation kiel");
  });

  it("fails closed when the userdb of the context is missing", async () => {
    const resources = withAcls().filter((r) => r.name !== "userdb-luebeck");
    expectViolation(await run(delegationWithinOrganisation, resources), "userdb-luebeck is not declared");
  });

  it("names the rule, says what it checks and is mandatory", () => {
    expect(delegationWithinOrganisation.name).toBe("delegation-within-organisation");
    expect(delegationWithinOrganisation.description).toMatch(/^Checks whether every doveadm ACL grant/);
    expect(delegationWithinOrganisation.enforcementLevel).toBe("mandatory");
  });

  it("accepts a grant on an equipment mailbox", async () => {
    const resources = withAcls();
    attrs(oxUserRecord(resources, IDS.poststelle))[USER_ATTRIBUTES.kind] = "equipment";
    expectNone(await run(delegationWithinOrganisation, resources));
  });

  it("rejects a grant in a context that declares no mailbox and no userdb at all", async () => {
    const resources = [...withAcls(), acl("hamburg", `${grantLine("user=mmueller")}\n`)];
    expect(messages(await run(delegationWithinOrganisation, resources))).toContain(
      `mailbox shared-poststelle (owner mmueller): acl-hamburg apply-acl.sh line 1: grants on login shared-poststelle, which is not a shared, room or equipment mailbox of context hamburg: no OX user of the context has this login`,
    );
  });

  it("names the mask login itself when a grant's mailbox is a doveadm mask", async () => {
    const violations = await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "*-poststelle")));
    expectViolation(violations, "mailbox *-poststelle", "grants on login *-poststelle", "(doveadm reads * and ? as a mask)");
  });

  it("rejects a delegate login that is a doveadm mask", async () => {
    const violations = await run(delegationWithinOrganisation, withLine(grantLine("user=*mueller")));
    expectViolation(
      violations,
      "delegate login *mueller is not the personal mailbox of one person declared in context luebeck (it is not a plain login); directory: no directory uid *mueller",
    );
  });

  it("says which line of which ConfigMap grants on a personal mailbox, and of what kind it is", async () => {
    const violations = await run(delegationWithinOrganisation, withLine(grantLine("user=jschmidt", "mmueller")));
    expectViolation(
      violations,
      "mailbox maria.mueller@fa-luebeck.example (owner jschmidt): acl-luebeck apply-acl.sh line ",
      ": grants access to personal mailbox maria.mueller@fa-luebeck.example; only shared, room and equipment mailboxes have delegates",
    );
  });

  it("rejects a grant on a mailbox whose kind is not declared", async () => {
    const resources = withAcls();
    delete attrs(oxUserRecord(resources, IDS.poststelle))[USER_ATTRIBUTES.kind];
    expectViolation(await run(delegationWithinOrganisation, resources), "grants access to an unknown kind of mailbox poststelle@fa-luebeck.example;");
  });

  it("lists the only rights a delegate may have when it rejects admin", async () => {
    const violations = await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", "lookup read admin")));
    expectViolation(
      violations,
      `grants rights admin; a delegate may only have ${DELEGATE_RIGHTS.join(" ")} (admin would let them grant others past this check, delete would let them remove the mailbox)`,
    );
  });

  it("names the source ExchangeGuid that is not in the export, or says there is none", async () => {
    const unknownSource = withAcls();
    attrs(oxUserRecord(unknownSource, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-0000000000ff";
    expectViolation(await run(delegationWithinOrganisation, unknownSource), "source ExchangeGuid e0000000-0000-4000-8000-0000000000ff is not in");
    const noSource = withAcls();
    delete attrs(oxUserRecord(noSource, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid];
    expectViolation(
      await run(delegationWithinOrganisation, noSource),
      "organisation of poststelle@fa-luebeck.example cannot be established: source ExchangeGuid (none) is not in",
    );
  });

  it("fails closed when the mailbox's Exchange addresses lie in two organisations' domains", async () => {
    const dir = policyTempDir("oxmig-delegation-");
    const exchange = path.join(dir, "exchange.csv");
    const csv = fs.readFileSync(path.join(FIXTURES, "exchange.csv"), "utf8");
    fs.writeFileSync(exchange, csv.replace("smtp:info@fa-luebeck.example", "smtp:info@fa-kiel.example"));
    const violations = await run(delegationWithinOrganisation, withAcls(), config({ exchange }));
    expectViolation(
      violations,
      "(owner mmueller)",
      "organisation of poststelle@fa-luebeck.example cannot be established, so its delegates cannot be checked: its Exchange addresses lie in domains of different organisations",
    );
  });

  it("says why a delegate login has no OX user, and who the directory knows by it", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=ghost"))),
      "delegate login ghost is not the personal mailbox of one person declared in context luebeck (no OX user of the context has this login); directory: no directory uid ghost",
    );
    const pkoch = await run(delegationWithinOrganisation, withLine(grantLine("user=pkoch")));
    expect(messages(pkoch).find((m) => m.includes("user=pkoch") || m.includes("delegate login pkoch"))).toMatch(
      /; directory: directory uid pkoch \(id [^)]+, ou kiel, [^)]+\)$/,
    );
    const tweber = await run(delegationWithinOrganisation, withLine(grantLine("user=tweber")));
    expect(messages(tweber).find((m) => m.includes("delegate login tweber"))).toMatch(
      /; directory: directory uid tweber \(id [^)]+, ou luebeck, [^)]+\), disabled$/,
    );
  });

  it("says the mailbox id the userdb should open", async () => {
    const resources = withAcls();
    const annotations = record(resources, "userdb-luebeck").props.metadata.annotations as Record<string, string>;
    editJson<{ login: string; mailboxId: string }>(annotations, K8S.annotationUserdbIndex, (index) => {
      index.find((e) => e.login === "shared-poststelle")!.mailboxId = IDS.maria;
    });
    expectViolation(
      await run(delegationWithinOrganisation, resources),
      `userdb-luebeck opens login shared-poststelle as mailbox ${IDS.maria}, not ${IDS.poststelle}`,
    );
  });

  it("fails closed when the userdb has no line for the mailbox's login", async () => {
    const resources = withAcls();
    const annotations = record(resources, "userdb-luebeck").props.metadata.annotations as Record<string, string>;
    editJson<{ login: string }>(annotations, K8S.annotationUserdbIndex, (index) => {
      index.splice(
        index.findIndex((e) => e.login === "shared-poststelle"),
        1,
      );
    });
    expectViolation(
      await run(delegationWithinOrganisation, resources),
      "the mailbox the ACL is written into cannot be confirmed: userdb-luebeck has 0 lines for login shared-poststelle",
    );
  });

  it("names the userdb whose index is unknown or unreadable, and why", async () => {
    const unknown = withAcls();
    record(unknown, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expectViolation(await run(delegationWithinOrganisation, unknown), "cannot be confirmed: userdb-luebeck metadata.annotations");
    const broken = withAcls();
    record(broken, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "not json";
    expectViolation(await run(delegationWithinOrganisation, broken), "userdb-luebeck index cannot be read: metadata.annotations");
    const missing = withAcls();
    delete record(missing, "userdb-luebeck").props.metadata.annotations;
    expectViolation(
      await run(delegationWithinOrganisation, missing),
      `userdb-luebeck index cannot be read: metadata.annotations["${K8S.annotationUserdbIndex}"] is missing`,
    );
  });

  it("names the ConfigMap whose script is unknown at preview", async () => {
    const unknown = withAcls();
    record(unknown, "acl-luebeck").props.data[K8S.aclScriptKey] = UNKNOWN_STRING;
    expectViolation(await run(delegationWithinOrganisation, unknown), `delegation acl-luebeck: ConfigMap data.${K8S.aclScriptKey} is unknown at preview`);
  });

  it("lists every forbidden right a grant gives", async () => {
    expectViolation(
      await run(delegationWithinOrganisation, withLine(grantLine("user=mmueller", "shared-poststelle", "lookup admin delete"))),
      "grants rights admin, delete; a delegate may only have",
    );
  });

  it("lists every directory person with a homonym delegate login that has no mailbox in the context", async () => {
    const resources = withAcls([
      ...GRANTS.filter((g) => g.mailboxLogin !== "room-raum101"),
      { mailboxLogin: "room-raum101", delegateLogins: ["pkoch", "jschmidt"] },
    ]);
    const violations = await run(delegationWithinOrganisation, resources);
    expect(messages(violations).find((m) => m.includes("delegate login jschmidt"))).toMatch(
      /; directory: directory uid jschmidt \(id [^)]+, ou luebeck, [^)]+\); directory uid jschmidt \(id [^)]+, ou kiel, [^)]+\)$/,
    );
  });

  it("says (none) when the mailbox or the delegate's mailbox declares no id", async () => {
    const noMailboxId = withAcls();
    delete attrs(oxUserRecord(noMailboxId, IDS.poststelle))[USER_ATTRIBUTES.mailboxId];
    expectViolation(
      await run(delegationWithinOrganisation, noMailboxId),
      `userdb-luebeck opens login shared-poststelle as mailbox ${IDS.poststelle}, not (none)`,
    );
    const noOwner = withAcls();
    delete attrs(oxUserRecord(noOwner, IDS.jan))[USER_ATTRIBUTES.ownerId];
    expectViolation(await run(delegationWithinOrganisation, noOwner), "delegate login jschmidt: owner id (none) is not in");
  });
});

const messages = (violations: readonly Violation[]): string[] => violations.map((v) => v.message);
