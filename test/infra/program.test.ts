// The real program under Pulumi's mock runtime, one child process per run.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { K8S, TYPES, USER_ATTRIBUTES, type Pairing, type UserdbIndexEntry } from "@oxmig/core/contract";
import { homeFor } from "@oxmig/core/ids";
import type { Binding, Inventory } from "@oxmig/core/model";
import { UNKNOWN, type DeclaredResource } from "../../engine/types";
import { readInventory } from "../../io/inventory";
import { ADMIN_PASSWORD, byName, byType, runStack, stackConfig, withoutSecrets, writeInventory } from "./program-harness";

const MAIL_ROOT = "/srv/mail";
let dir: string;
let renamedDir: string;
let inventory: Inventory;
let bindings: Binding[];
let prod: DeclaredResource[];
let renamed: DeclaredResource[];
let preview: DeclaredResource[];
let badInput: unknown;
let withoutContextIds: DeclaredResource[];

/** Changes displayName, sn and mail of `uid` in directory.ldif: a marriage, say. */
function renamePerson(ldif: string, uid: string): string {
  const blocks = ldif.split("\n\n");
  const i = blocks.findIndex((b) => b.startsWith(`dn: uid=${uid},`));
  if (i < 0) throw new Error(`no entry for ${uid}`);
  blocks[i] = blocks[i]!.replace(/^displayName::? .*$/m, "displayName: Renamed Person")
    .replace(/^sn::? .*$/m, "sn: Renamed")
    .replace(/^mail: .*$/m, `mail: renamed.${uid}@im.example`);
  return blocks.join("\n\n");
}

beforeAll(async () => {
  dir = writeInventory();
  renamedDir = writeInventory();
  inventory = readInventory(dir);
  bindings = resolveBindings(inventory, { mailRoot: MAIL_ROOT });
  const person = bindings.find((b) => b.kind === "personal" && b.context === "im")!;
  writeFileSync(join(renamedDir, "directory.ldif"), renamePerson(readFileSync(join(renamedDir, "directory.ldif"), "utf8"), person.owner!.uid));
  const badDir = writeInventory();
  const plan = readFileSync(join(badDir, "plan.yaml"), "utf8");
  writeFileSync(join(badDir, "plan.yaml"), plan.replace(/owner: (\w+)/, "owner: nobody-here"));
  const noIdsDir = writeInventory();
  writeFileSync(join(noIdsDir, "plan.yaml"), readFileSync(join(noIdsDir, "plan.yaml"), "utf8").replace(/\{ id: \d+, /g, "{ "));
  const config = (d: string) => stackConfig(d, { protect: "true", mailRoot: MAIL_ROOT });
  [prod, renamed, preview, badInput, withoutContextIds] = await Promise.all([
    runStack("prod", config(dir)),
    runStack("prod", config(renamedDir)),
    runStack("prod", config(dir), true),
    runStack("prod", config(badDir)).then(
      () => undefined,
      (err: unknown) => err,
    ),
    runStack("prod", config(noIdsDir)),
  ]);
  for (const d of [badDir, noIdsDir]) rmSync(d, { recursive: true, force: true });
});

afterAll(() => {
  for (const d of [dir, renamedDir]) rmSync(d, { recursive: true, force: true });
});

describe("what the program declares per mailbox", () => {
  it("one OX user, one key and one userdb line per resolved mailbox, none missing or extra", () => {
    const ids = bindings.map((b) => b.mailboxId).sort();
    expect(ids.length).toBeGreaterThan(10);
    expect(
      byType(prod, TYPES.oxUser)
        .map((r) => r.inputs["userAttributes"] as Record<string, string>)
        .map((a) => a[USER_ATTRIBUTES.mailboxId])
        .sort(),
    ).toEqual(ids);
    expect(
      byType(prod, TYPES.key)
        .map((r) => r.name)
        .sort(),
    ).toEqual(ids.map((id) => `key-${id}`).sort());
    const lines = byType(prod, TYPES.secret).flatMap(
      (s) => JSON.parse((s.inputs["metadata"] as { annotations: Record<string, string> }).annotations[K8S.annotationUserdbIndex]!) as UserdbIndexEntry[],
    );
    expect(lines.map((l) => l.mailboxId).sort()).toEqual(ids);
  });

  it("homes and key names come from the immutable id: the owner's entryUUID, or the ExchangeGuid", () => {
    const index = new Map(
      byType(prod, TYPES.secret).flatMap((s) =>
        (JSON.parse((s.inputs["metadata"] as { annotations: Record<string, string> }).annotations[K8S.annotationUserdbIndex]!) as UserdbIndexEntry[]).map(
          (e) => [e.login, e],
        ),
      ),
    );
    for (const b of bindings) {
      const expectedId =
        b.kind === "personal"
          ? inventory.people.find((p) => p.uid === b.owner!.uid)!.immutableId
          : inventory.sources.find((s) => s.primarySmtp.normalised === b.source.address.normalised)!.exchangeGuid;
      expect(index.get(b.dovecotLogin)).toEqual({
        login: b.dovecotLogin,
        home: homeFor(expectedId, MAIL_ROOT),
        mailboxId: expectedId,
        keyName: `key-${expectedId}`,
      });
    }
  });

  it("the OX user carries the binding's login, addresses and identity attributes", () => {
    for (const b of bindings) {
      const user = byName(prod, `oxuser-${b.mailboxId}`);
      expect(user.parent).toBe(byName(prod, `ctx-${b.context}`).urn);
      expect(user.inputs).toMatchObject({
        contextName: b.context,
        name: b.oxName,
        imapLogin: b.imapLogin,
        primaryEmail: b.primaryAddress.display,
        email1: b.primaryAddress.display,
      });
      const attributes = user.inputs["userAttributes"] as Record<string, string>;
      expect(attributes[USER_ATTRIBUTES.ownerId]).toBe(b.owner?.immutableId);
      expect(attributes[USER_ATTRIBUTES.sourceGuid]).toBe(b.source.exchangeGuid);
    }
  });

  it("an OX user created before its context, or in another context's id", () => {
    const ids = new Map(inventory.plan.contexts.map((c) => [c.name, c.id]));
    for (const b of bindings) {
      const user = byName(prod, `oxuser-${b.mailboxId}`);
      const context = byName(prod, `ox-context-${b.context}`);
      expect(ids.get(b.context)).toBeDefined();
      expect(user.inputs["contextId"]).toBe(ids.get(b.context));
      expect(user.dependencies).toContain(context.urn);
    }
  });

  it("without a fixed id in the plan, an OX user created before its context or given an id of its own", () => {
    const users = byType(withoutContextIds, TYPES.oxUser);
    expect(users.length).toBeGreaterThan(10);
    for (const user of users) {
      const context = withoutContextIds.find((r) => r.type === TYPES.oxContext && r.inputs["name"] === user.inputs["contextName"])!;
      expect(context.inputs["contextId"]).toBeUndefined();
      // The id is the context's output: the mocks return none (the provider's create does), so nothing arrives.
      expect(user.inputs["contextId"]).toBeUndefined();
      expect(user.dependencies).toContain(context.urn);
    }
  });

  it("each wave's pairing table is exactly its bindings' source login → target login", () => {
    const waves = new Set(bindings.map((b) => b.wave));
    expect(
      byType(prod, TYPES.configMap)
        .map((c) => c.name)
        .filter((n) => !n.startsWith("acl-") && !n.startsWith("deny-"))
        .sort(),
    ).toEqual([...waves].map((w) => `pairings-${w}`).sort());
    for (const wave of waves) {
      const data = byName(prod, `pairings-${wave}`).inputs["data"] as Record<string, string>;
      const table = JSON.parse(data[K8S.pairingsDataKey]!) as Pairing[];
      const expected = bindings
        .filter((b) => b.wave === wave)
        .map((b) => ({ mailboxId: b.mailboxId, sourceLogin: b.source.login, sourceExchangeGuid: b.source.exchangeGuid, targetLogin: b.dovecotLogin }));
      expect(table).toEqual(expected);
      for (const p of table) expect(data["migrate.sh"]).toContain(`'imapc_user=${p.sourceLogin}' 'backup' '-R' '-s' '' '-u' '${p.targetLogin}' 'imapc:'`);
    }
  });

  it("the migration Job runs the script from the ConfigMap and gets credentials only from the mounted Secret", () => {
    for (const job of byType(prod, TYPES.job)) {
      const text = JSON.stringify(job.inputs);
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).toContain('"command":["/bin/sh","/etc/oxmig/migrate.sh"]');
      expect(text).toContain('"name":"oxmig-imapc-credentials"');
      expect(job.options.deleteBeforeReplace).toBe(true);
    }
  });
});

describe("secrets", () => {
  it("no key value and no admin password is readable outside secret values", () => {
    const keyValues = byType(prod, TYPES.key).map((k) => k.outputs["result"] as string);
    expect(keyValues.every((v) => typeof v === "string" && v.length === 48)).toBe(true);
    for (const r of prod) {
      const visible = JSON.stringify([withoutSecrets(r.inputs, r.secretInputPaths), withoutSecrets(r.outputs, r.secretOutputPaths)]);
      // Booleans, so a failure names the resource without printing a secret.
      expect(visible.includes(ADMIN_PASSWORD), `admin password visible in ${r.type} ${r.name}`).toBe(false);
      expect(
        keyValues.some((v) => visible.includes(v)),
        `a key value visible in ${r.type} ${r.name}`,
      ).toBe(false);
    }
  });

  it("the userdb passwd-file is a secret input holding every key, and keys mark result as secret", () => {
    for (const s of byType(prod, TYPES.secret)) {
      expect(s.secretInputPaths.some((p) => p[0] === "stringData")).toBe(true);
      expect(s.secretOutputPaths.some((p) => p[0] === "stringData")).toBe(true);
      const passwd = (s.inputs["stringData"] as Record<string, string>)[K8S.userdbDataKey] ?? "";
      const lines = passwd.split("\n").filter(Boolean);
      expect(lines.length).toBe(bindings.filter((b) => `userdb-${b.context}` === s.name).length);
      expect(
        lines.every((l) => /::userdb_mail_crypt_private_password=[A-Za-z0-9_-]{48}$/.test(l)),
        `malformed line in ${s.name}`,
      ).toBe(true);
    }
    for (const k of byType(prod, TYPES.key)) expect(k.options.additionalSecretOutputs).toContain("result");
  });
});

describe("protection and key stability", () => {
  it("with protect=true keys, OX users and OX contexts are protected; keys are retained on delete", () => {
    for (const r of [...byType(prod, TYPES.key), ...byType(prod, TYPES.oxUser), ...byType(prod, TYPES.oxContext)]) {
      expect(r.options.protect, `${r.type} ${r.name}`).toBe(true);
    }
    for (const k of byType(prod, TYPES.key)) {
      expect(k.options.retainOnDelete).toBe(true);
      expect(k.inputs).toMatchObject({ keepers: { mailboxId: k.name.slice("key-".length) }, length: 48, special: false });
      expect(Object.keys(k.inputs["keepers"] as object)).toEqual(["mailboxId"]);
    }
  });

  it("renaming a person (displayName, sn, mail) changes no key: same URNs, same keepers", () => {
    const keys = (rs: DeclaredResource[]) =>
      byType(rs, TYPES.key)
        .map((k) => ({ urn: k.urn, inputs: k.inputs }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
    expect(keys(renamed)).toEqual(keys(prod));
    const changed = byType(renamed, TYPES.oxUser).filter((u) => u.inputs["displayName"] === "Renamed Person");
    expect(changed).toHaveLength(1);
    expect(byName(prod, changed[0]!.name).inputs["displayName"]).not.toBe("Renamed Person");
  });
});

describe("preview and bad input", () => {
  it("at preview the userdb index is known and the passwd-file is not", () => {
    for (const s of byType(preview, TYPES.secret)) {
      const annotations = (s.inputs["metadata"] as { annotations: Record<string, string> }).annotations;
      expect(annotations[K8S.annotationUserdbIndex]).not.toBe(UNKNOWN);
      expect(JSON.parse(annotations[K8S.annotationUserdbIndex]!)).not.toHaveLength(0);
      const passwd = (s.inputs["stringData"] as Record<string, unknown> | undefined)?.[K8S.userdbDataKey];
      expect(passwd === undefined || passwd === UNKNOWN, `passwd of ${s.name} is known at preview`).toBe(true);
    }
  });

  it("an owner missing from the directory stops the program with the InputError naming plan.yaml", () => {
    expect(String(badInput)).toMatch(/InputError: .*plan\.yaml: line \d+ .*owner "nobody-here" is not in the directory/);
  });
});
