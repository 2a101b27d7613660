import { describe, expect, it } from "vitest";
import { K8S, TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import {
  CONTEXT_EXCEPTION,
  isPairingTable,
  isUserdb,
  keyView,
  oxUserView,
  pairingView,
  userdbView,
  type ResourceLike,
} from "../../../policies/support/resources";
import { UNKNOWN_STRING } from "../helpers";

const resource = (type: string, name: string, props: Record<string, unknown>, opts: Record<string, unknown> = { protect: false }): ResourceLike =>
  ({ type, urn: `urn:${name}`, name, props, opts }) as ResourceLike;
const INDEX_PATH = `metadata.annotations["${K8S.annotationUserdbIndex}"]`;
const TABLE_PATH = `data["${K8S.pairingsDataKey}"]`;

describe("oxUserView", () => {
  it("an OX user's identity fields read from the wrong place", () => {
    const props = {
      contextName: "luebeck",
      name: "mmueller",
      imapLogin: "mmueller-imap",
      primaryEmail: "maria@x.example",
      email1: "e1@x.example",
      defaultSenderAddress: "ds@x.example",
      aliases: ["a0@x.example", 7, "a2@x.example"],
      userAttributes: {
        [USER_ATTRIBUTES.mailboxId]: "mbx",
        [USER_ATTRIBUTES.ownerId]: "owner",
        [USER_ATTRIBUTES.kind]: "personal",
        [USER_ATTRIBUTES.sourceGuid]: "guid",
        [USER_ATTRIBUTES.keyName]: "key-mbx",
        [CONTEXT_EXCEPTION]: "moved",
      },
    };
    expect(oxUserView(resource(TYPES.oxUser, "oxuser-mbx", props, { protect: true }))).toEqual({
      urn: "urn:oxuser-mbx",
      resourceName: "oxuser-mbx",
      protect: true,
      unknown: [],
      mailboxId: "mbx",
      ownerId: "owner",
      kind: "personal",
      sourceGuid: "guid",
      keyName: "key-mbx",
      contextException: "moved",
      contextName: "luebeck",
      oxName: "mmueller",
      imapLogin: "mmueller-imap",
      primaryEmail: "maria@x.example",
      addresses: [
        { field: "primaryEmail", value: "maria@x.example" },
        { field: "email1", value: "e1@x.example" },
        { field: "defaultSenderAddress", value: "ds@x.example" },
        { field: "aliases[0]", value: "a0@x.example" },
        { field: "aliases[2]", value: "a2@x.example" },
      ],
    });
  });
  it("unknown values taken as known identity fields", () => {
    const props = {
      name: UNKNOWN_STRING,
      primaryEmail: UNKNOWN_STRING,
      aliases: UNKNOWN_STRING,
      userAttributes: { [USER_ATTRIBUTES.ownerId]: UNKNOWN_STRING },
    };
    const view = oxUserView(resource(TYPES.oxUser, "u", props));
    expect(view).toEqual({
      urn: "urn:u",
      resourceName: "u",
      protect: false,
      unknown: ["name", "primaryEmail", "aliases", `userAttributes.${USER_ATTRIBUTES.ownerId}`],
      addresses: [],
    });
  });
  it("a protect option other than true counts as protected", () => {
    expect(oxUserView(resource(TYPES.oxUser, "u", {}, { protect: "yes" })).protect).toBe(false);
  });
});

describe("keyView", () => {
  it("a key's keeper, result or retainOnDelete misread", () => {
    const key = resource(TYPES.key, "key-1", { keepers: { mailboxId: "m1" }, result: "secret" }, { protect: true, retainOnDelete: false });
    expect(keyView(key)).toEqual({
      urn: "urn:key-1",
      resourceName: "key-1",
      protect: true,
      unknown: [],
      keeper: "m1",
      keeperNames: ["mailboxId"],
      result: "secret",
      retainOnDelete: false,
    });
    expect(keyView(resource(TYPES.key, "key-2", {}, { protect: false, retainOnDelete: "no" }))).toEqual({
      urn: "urn:key-2",
      resourceName: "key-2",
      protect: false,
      unknown: [],
      keeperNames: [],
    });
  });
  it("an unknown keeper taken as known", () => {
    const view = keyView(resource(TYPES.key, "key-1", { keepers: { mailboxId: UNKNOWN_STRING }, result: UNKNOWN_STRING }));
    expect(view.unknown).toEqual(["keepers.mailboxId"]);
    expect(view).not.toHaveProperty("keeper");
    expect(view).not.toHaveProperty("result");
  });
  it("an extra keeper hidden behind the mailbox id", () => {
    expect(keyView(resource(TYPES.key, "key-3", { keepers: { mailboxId: "m1", address: "a@b" } })).keeperNames).toEqual(["mailboxId", "address"]);
  });
});

describe("userdbView", () => {
  const userdb = (annotation: unknown, extra: Record<string, unknown> = {}) =>
    resource(TYPES.secret, "userdb-luebeck", { metadata: { annotations: { [K8S.annotationUserdbIndex]: annotation } }, ...extra });
  const entry = { login: "mmueller", home: "/h", mailboxId: "m", keyName: "key-m" };

  it("a userdb index misread", () => {
    const db = userdbView(userdb(JSON.stringify([entry]), { stringData: { [K8S.userdbDataKey]: "mmueller:::::/h::" } }));
    expect(db).toEqual({
      urn: "urn:userdb-luebeck",
      resourceName: "userdb-luebeck",
      protect: false,
      unknown: [],
      context: "luebeck",
      index: [entry],
      passwd: "mmueller:::::/h::",
      passwdFrom: "stringData",
    });
  });
  it("a passwd-file in data read as base64, stringData merged over data as Kubernetes does", () => {
    const data = { [K8S.userdbDataKey]: Buffer.from("b:::::/d::").toString("base64") };
    expect(userdbView(userdb("[]", { data })).passwd).toBe("b:::::/d::");
    expect(userdbView(userdb("[]", { data })).passwdFrom).toBe("data");
    const both = userdbView(userdb("[]", { data, stringData: { [K8S.userdbDataKey]: "s:::::/s::" } }));
    expect([both.passwd, both.passwdFrom]).toEqual(["s:::::/s::", "stringData"]);
    expect(userdbView(userdb("[]", { data, stringData: { other: "x" } })).passwd).toBe("b:::::/d::");
  });
  it("a passwd-file that is unknown, missing or not base64 taken as readable", () => {
    expect(userdbView(userdb("[]", { stringData: { [K8S.userdbDataKey]: UNKNOWN_STRING } })).passwdUnknown).toBe(`stringData["${K8S.userdbDataKey}"]`);
    expect(userdbView(userdb("[]", { stringData: UNKNOWN_STRING })).passwdUnknown).toBe("stringData");
    expect(userdbView(userdb("[]", { data: { [K8S.userdbDataKey]: UNKNOWN_STRING } })).passwdUnknown).toBe(`data["${K8S.userdbDataKey}"]`);
    expect(userdbView(userdb("[]", {})).passwdProblem).toMatch(/holds no passwd-file/);
    expect(userdbView(userdb("[]", { data: { [K8S.userdbDataKey]: "not base64!" } })).passwdProblem).toBe(`data["${K8S.userdbDataKey}"] is not valid base64`);
    expect(userdbView(userdb("[]", { stringData: { [K8S.userdbDataKey]: 42 } })).passwdProblem).toBe(`stringData["${K8S.userdbDataKey}"] is not a string`);
  });
  it("the context taken from the name although a label names it", () => {
    const r = resource(TYPES.secret, "userdb-x", { metadata: { labels: { [K8S.labelContext]: "kiel" } } });
    expect(userdbView(r).context).toBe("kiel");
    expect(userdbView(resource(TYPES.secret, "my-userdb-x", {})).context).toBe("my-userdb-x");
  });
  it("a missing, malformed or misshapen index accepted", () => {
    expect(userdbView(userdb(undefined)).indexProblem).toBe(`${INDEX_PATH} is missing`);
    expect(userdbView(userdb('{"login":"x"}')).indexProblem).toBe(`${INDEX_PATH} is not a JSON array`);
    expect(userdbView(userdb("[oops")).indexProblem).toMatch(new RegExp(`^${INDEX_PATH.replace(/[.[\]]/g, "\\$&")} is not valid JSON \\(.+\\)$`));
    const bad = JSON.stringify([entry, { ...entry, home: 5 }]);
    expect(userdbView(userdb(bad)).indexProblem).toBe(`${INDEX_PATH} entry 1 lacks one of login, home, mailboxId, keyName`);
    expect(userdbView(userdb(JSON.stringify([entry, null]))).indexProblem).toBe(`${INDEX_PATH} entry 1 lacks one of login, home, mailboxId, keyName`);
    expect(userdbView(userdb(JSON.stringify(["x"]))).indexProblem).toBe(`${INDEX_PATH} entry 0 lacks one of login, home, mailboxId, keyName`);
    expect(userdbView(userdb(bad))).not.toHaveProperty("index");
  });
  it("an unknown index reported as a problem instead of an unknown", () => {
    const db = userdbView(userdb(UNKNOWN_STRING));
    expect(db.unknown).toEqual([INDEX_PATH]);
    expect(db).not.toHaveProperty("indexProblem");
    expect(db).not.toHaveProperty("index");
  });
});

describe("pairingView", () => {
  const pairing = { mailboxId: "m", sourceLogin: "s@corp.example", sourceExchangeGuid: "g", targetLogin: "t" };
  const table = (raw: unknown, labels: Record<string, unknown> = {}) =>
    resource(TYPES.configMap, "pairings-w01", { metadata: { labels }, data: { [K8S.pairingsDataKey]: raw } });

  it("a pairing table misread", () => {
    expect(pairingView(table(JSON.stringify([pairing]), { [K8S.labelWave]: "w09" }))).toEqual({
      urn: "urn:pairings-w01",
      resourceName: "pairings-w01",
      protect: false,
      unknown: [],
      wave: "w09",
      pairings: [pairing],
    });
    expect(pairingView(table(JSON.stringify([pairing]))).wave).toBe("w01");
  });
  it("a misshapen table accepted", () => {
    expect(pairingView(table(JSON.stringify([{ ...pairing, targetLogin: undefined }]))).problem).toBe(
      `${TABLE_PATH} entry 0 lacks one of mailboxId, sourceLogin, sourceExchangeGuid, targetLogin`,
    );
    expect(pairingView(table(undefined)).problem).toBe(`${TABLE_PATH} is missing`);
  });
  it("unknown table or labels not reported", () => {
    const view = pairingView(table(UNKNOWN_STRING, { [K8S.labelWave]: UNKNOWN_STRING }));
    expect(view.unknown).toEqual([TABLE_PATH, `metadata.labels.${K8S.labelWave}`]);
    expect(view).not.toHaveProperty("problem");
    expect(view.wave).toBe("w01");
  });
});

describe("resource kinds", () => {
  it("a ConfigMap or Secret mistaken for the pairing table or userdb", () => {
    expect(isPairingTable(resource(TYPES.configMap, "pairings-w01", {}))).toBe(true);
    expect(isPairingTable(resource(TYPES.configMap, "other", { data: { [K8S.pairingsDataKey]: "[]" } }))).toBe(true);
    expect(isPairingTable(resource(TYPES.configMap, "other", { data: {} }))).toBe(false);
    expect(isPairingTable(resource(TYPES.secret, "pairings-w01", {}))).toBe(false);
    expect(isUserdb(resource(TYPES.secret, "userdb-kiel", {}))).toBe(true);
    expect(isUserdb(resource(TYPES.secret, "other", { metadata: { annotations: { [K8S.annotationUserdbIndex]: "[]" } } }))).toBe(true);
    expect(isUserdb(resource(TYPES.secret, "other", { metadata: {} }))).toBe(false);
    expect(isUserdb(resource(TYPES.configMap, "userdb-kiel", {}))).toBe(false);
  });
});
