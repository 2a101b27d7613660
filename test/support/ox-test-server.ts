// A local stand-in for OX App Suite's SOAP provisioning (OXContextService, OXUserService):
// in-memory contexts and users, admin credentials checked, OX's documented rules enforced
// (infra/ox/rules.ts), refusals answered as SOAP faults. Not OX: it only knows what we test.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { contextClashProblems, contextConflictProblems, contextFieldProblems, userChangeProblems, userFieldProblems, type OxUserFields, type RuleFailure } from "../../infra/ox/rules";
import {
  buildFault, buildResponse, contextFromXml, credentialsFromXml, parseEnvelope, userFromXml,
  type OxContextData, type OxCredentials, type OxUserData, type SoapPart,
} from "../../infra/ox/soap";

interface StoredContext {
  id: number;
  name: string;
  maxQuota: number;
  loginMappings: string[];
  admin: OxCredentials;
  users: Map<number, OxUserData>;
  nextUserId: number;
}

export interface OxTestServer {
  /** Base URL (the OxConnection endpoint). */
  readonly url: string;
  readonly master: OxCredentials;
  /** Every request received: service, operation (for asserting what went over the wire). */
  readonly requests: { service: string; operation: string; body: string }[];
  readonly contexts: Map<number, StoredContext>;
  close(): Promise<void>;
}

class Fault extends Error {
  constructor(message: string, readonly exception: string) {
    super(message);
  }
}

const invalid = (failures: readonly RuleFailure[]): void => {
  if (failures.length) throw new Fault(failures.map((f) => f.reason).join("; "), "InvalidDataException");
};

function ruleFields(user: OxUserData): OxUserFields {
  return {
    name: user.name ?? "",
    displayName: user.display_name ?? "",
    primaryEmail: user.primaryEmail ?? "",
    email1: user.email1 ?? "",
    defaultSenderAddress: user.defaultSenderAddress ?? user.primaryEmail ?? "",
    aliases: user.aliases ?? [],
  };
}

function requireFields(object: object, fields: readonly string[], what: string): void {
  const missing = fields.filter((f) => !(object as Record<string, unknown>)[f]);
  if (missing.length) throw new Fault(`Mandatory fields in ${what} not set: ${missing.join(", ")}`, "InvalidDataException");
}

function withoutPassword(user: OxUserData): OxUserData {
  const copy = { ...user };
  delete copy.password;
  return copy;
}

/** Merges attribute changes the way OX does: sent keys overwrite, empty values remove. */
function mergeAttributes(before: Record<string, string> | undefined, changes: Record<string, string> | undefined): Record<string, string> {
  const merged = { ...before, ...changes };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== ""));
}

class OxState {
  readonly contexts = new Map<number, StoredContext>();
  private nextContextId = 1;

  constructor(readonly master: OxCredentials) {}

  authMaster(auth: OxCredentials | undefined): void {
    if (!auth || auth.login !== this.master.login || auth.password !== this.master.password) {
      throw new Fault("Authentication failed", "InvalidCredentialsException");
    }
  }

  /** OX resolves the context by id; a name that does not match is refused here too. */
  context(ctx: OxContextData, auth: OxCredentials | undefined, masterOnly: boolean): StoredContext {
    const found = [...this.contexts.values()].find((c) => (ctx.id !== undefined ? c.id === ctx.id : c.name === ctx.name));
    if (!found || (ctx.name !== undefined && ctx.name !== found.name)) {
      this.authMaster(auth);
      throw new Fault(`Context ${ctx.id ?? ctx.name} does not exist`, "NoSuchContextException");
    }
    const isAdmin = auth && auth.login === found.admin.login && auth.password === found.admin.password;
    if (masterOnly || !isAdmin) this.authMaster(auth);
    return found;
  }

  contextOp(operation: string, content: Record<string, unknown>): SoapPart | boolean | undefined {
    const ctx = contextFromXml(content.ctx);
    const auth = credentialsFromXml(content.auth);
    if (operation === "create") return this.createContext(ctx, userFromXml(content.admin_user), auth);
    if (operation === "exists") {
      this.authMaster(auth);
      return [...this.contexts.values()].some((c) => (ctx.id !== undefined ? c.id === ctx.id : c.name === ctx.name));
    }
    const stored = this.context(ctx, auth, true);
    if (operation === "getData") return { element: "return", kind: "context", value: this.contextData(stored) };
    if (operation === "delete") this.contexts.delete(stored.id);
    else if (operation === "change") this.changeContext(stored, ctx);
    else throw new Fault(`operation ${operation} is not supported by the test server`, "RemoteException");
    return undefined;
  }

  private contextData(c: StoredContext): OxContextData {
    return { id: c.id, name: c.name, maxQuota: c.maxQuota, loginMappings: [...c.loginMappings] };
  }

  private fieldsOf(c: OxContextData) {
    return { name: c.name ?? "", contextId: c.id, maxQuotaMb: c.maxQuota ?? 0, loginMappings: c.loginMappings ?? [] };
  }

  private createContext(ctx: OxContextData, admin: OxUserData, auth: OxCredentials | undefined): SoapPart {
    this.authMaster(auth);
    requireFields(admin, ["name", "display_name", "given_name", "sur_name", "primaryEmail", "password"], "admin user");
    const fields = this.fieldsOf(ctx);
    invalid(contextFieldProblems(fields));
    const others = [...this.contexts.values()].map((c) => this.fieldsOf(this.contextData(c)));
    const clash = contextClashProblems(fields, others);
    if (clash.length) throw new Fault(clash.map((f) => f.reason).join("; "), "ContextExistsException");
    const id = ctx.id ?? this.nextContextId;
    this.nextContextId = Math.max(this.nextContextId, id) + 1;
    const adminUser: OxUserData = { ...admin, id: 2, aliases: [admin.primaryEmail!] };
    this.contexts.set(id, {
      id, name: fields.name, maxQuota: fields.maxQuotaMb, loginMappings: [...fields.loginMappings],
      admin: { login: admin.name!, password: admin.password! }, users: new Map([[2, adminUser]]), nextUserId: 3,
    });
    return { element: "return", kind: "context", value: this.contextData(this.contexts.get(id)!) };
  }

  private changeContext(stored: StoredContext, ctx: OxContextData): void {
    const next = { ...this.fieldsOf(this.contextData(stored)), ...(ctx.maxQuota !== undefined && { maxQuotaMb: ctx.maxQuota }), ...(ctx.loginMappings && { loginMappings: ctx.loginMappings }) };
    invalid(contextFieldProblems(next));
    const others = [...this.contexts.values()].filter((c) => c !== stored).map((c) => this.fieldsOf(this.contextData(c)));
    invalid(contextClashProblems(next, others).filter((f) => f.property === "loginMappings"));
    stored.maxQuota = next.maxQuotaMb;
    stored.loginMappings = [...next.loginMappings];
  }

  userOp(operation: string, content: Record<string, unknown>): SoapPart | boolean | undefined {
    const stored = this.context(contextFromXml(content.ctx), credentialsFromXml(content.auth), false);
    const user = userFromXml(content.usrdata ?? content.user);
    if (operation === "create") return { element: "return", kind: "user", value: this.createUser(stored, user) };
    if (operation === "exists") return this.findUser(stored, user) !== undefined;
    const found = this.findUser(stored, user);
    if (!found) throw new Fault(`No such user ${user.id ?? user.name} in context ${stored.id}`, "NoSuchUserException");
    if (operation === "getData") return { element: "return", kind: "user", value: withoutPassword(found) };
    if (operation === "delete") stored.users.delete(found.id!);
    else if (operation === "change") this.changeUser(stored, found, user);
    else throw new Fault(`operation ${operation} is not supported by the test server`, "RemoteException");
    return undefined;
  }

  private findUser(stored: StoredContext, user: OxUserData): OxUserData | undefined {
    if (user.id !== undefined) return stored.users.get(user.id);
    return [...stored.users.values()].find((u) => u.name === user.name?.toLowerCase());
  }

  private othersThan(stored: StoredContext, id: number | undefined): OxUserFields[] {
    return [...stored.users.values()].filter((u) => u.id !== id).map(ruleFields);
  }

  private createUser(stored: StoredContext, user: OxUserData): OxUserData {
    requireFields(user, ["name", "display_name", "given_name", "sur_name", "primaryEmail", "password"], "user");
    const candidate: OxUserData = { ...user, name: user.name!.toLowerCase(), id: stored.nextUserId };
    invalid(userFieldProblems(ruleFields(candidate)));
    invalid(contextConflictProblems(ruleFields(candidate), this.othersThan(stored, undefined)));
    stored.nextUserId += 1;
    stored.users.set(candidate.id!, { ...candidate, userAttributes: mergeAttributes({}, candidate.userAttributes) });
    return withoutPassword(stored.users.get(candidate.id!)!);
  }

  private changeUser(stored: StoredContext, before: OxUserData, changes: OxUserData): void {
    const { id: _id, ...rest } = changes;
    invalid(userChangeProblems(ruleFields(before), { name: rest.name, primaryEmail: rest.primaryEmail, email1: rest.email1 }));
    const after: OxUserData = { ...before, ...rest, name: before.name, userAttributes: mergeAttributes(before.userAttributes, rest.userAttributes) };
    invalid(userFieldProblems(ruleFields(after)));
    invalid(contextConflictProblems(ruleFields(after), this.othersThan(stored, before.id)));
    stored.users.set(before.id!, after);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function answer(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8" });
  res.end(xml);
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startOxTestServer(master: OxCredentials = { login: "oxadminmaster", password: "master-secret-Ä&<1" }): Promise<OxTestServer> {
  const state = new OxState(master);
  const requests: OxTestServer["requests"] = [];
  const server = createServer(async (req, res) => {
    const service = (req.url ?? "").replace(/^\/webservices\//, "");
    const body = await readBody(req);
    if (req.method !== "POST" || !["OXContextService", "OXUserService"].includes(service)) return answer(res, 404, "");
    try {
      const { operation, content } = parseEnvelope(body);
      requests.push({ service, operation, body });
      const result = service === "OXContextService" ? state.contextOp(operation, content) : state.userOp(operation, content);
      answer(res, 200, buildResponse(operation, result));
    } catch (err) {
      const fault = err instanceof Fault ? err : new Fault((err as Error).message, "RemoteException");
      answer(res, 500, buildFault(fault.message, fault.exception));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    master,
    requests,
    contexts: state.contexts,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
