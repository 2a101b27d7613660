// A local stand-in for OX App Suite's SOAP provisioning (OXContextService, OXUserService):
// in-memory contexts and users, answering the way OX's own source says OX answers. Not OX: it only
// knows what we test. Each behaviour is marked with where it comes from:
//   [OX source]  ../shared/reference/ox-provisioning.md, "The SOAP wire contract, as read from OX's
//                own source" (appsuite-middleware's SOAP port types, BasicAuthenticator, OXContext…);
//   [OX rule]    the same note, "Server-side rules OX enforces" (infra/ox/rules.ts);
//   [assumption] chosen here where the note is silent; a real OX may differ.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  contextClashProblems,
  contextConflictProblems,
  contextFieldProblems,
  userChangeProblems,
  userFieldProblems,
  type OxUserFields,
  type RuleFailure,
} from "../../infra/ox/rules";
import {
  buildFault,
  buildListResponse,
  buildResponse,
  buildVoidResponse,
  contextFromXml,
  credentialsFromXml,
  parseEnvelope,
  userFromXml,
  type OxContextData,
  type OxCredentials,
  type OxUserData,
  type SoapPart,
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

export interface OxTestServerOptions {
  readonly master?: OxCredentials;
  /** AdminDaemon.properties MASTER_ACCOUNT_OVERRIDE [OX source]: packaged default false. */
  readonly masterAccountOverride?: boolean;
  /** The autocontextid plugin [OX source]: context create assigns the id itself, overwriting any id sent. */
  readonly autoContextId?: boolean;
}

/** One scripted misbehaviour, used for the next request instead of (or around) the normal answer. */
export type Scripted =
  /** Answer this status and body without doing anything (a proxy's error page). */
  | { readonly kind: "status"; readonly status: number; readonly body?: string }
  /** Do the work (commit: true) or not, then keep the answer back for `ms` (the client times out). */
  | { readonly kind: "hang"; readonly ms: number; readonly commit: boolean }
  | { readonly kind: "redirect"; readonly status: 301 | 302 | 307 | 308; readonly location: string }
  /** A fault whose faultstring echoes the whole request, credentials included. */
  | { readonly kind: "echo-fault" };

export interface OxTestServer {
  /** Base URL (the OxConnection endpoint). */
  readonly url: string;
  readonly master: OxCredentials;
  /** Every request received: service, operation (for asserting what went over the wire). */
  readonly requests: { service: string; operation: string; body: string }[];
  readonly contexts: Map<number, StoredContext>;
  /** Misbehaviours for the next requests, consumed one per request. */
  readonly script: Scripted[];
  close(): Promise<void>;
}

class Fault extends Error {
  constructor(
    message: string,
    /** undefined: a fault without <detail>, as the context service sends [OX source]. */
    readonly exception: string | undefined,
  ) {
    super(message);
  }
}

const failWith =
  (exception: string | undefined) =>
  (failures: readonly RuleFailure[]): void => {
    if (failures.length) throw new Fault(failures.map((f) => f.reason).join("; "), exception);
  };
const invalidUser = failWith("InvalidDataException");
const invalidContext = failWith(undefined);

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

function requireFields(object: object, fields: readonly string[], what: string, exception: string | undefined): void {
  const missing = fields.filter((f) => (object as Record<string, unknown>)[f] === undefined || (object as Record<string, unknown>)[f] === "");
  if (missing.length) throw new Fault(`Mandatory fields in ${what} not set: ${missing.join(", ")}`, exception);
}

function withoutPassword(user: OxUserData): OxUserData {
  const copy = { ...user };
  delete copy.password;
  return copy;
}

/** Hash-set order [OX source]: answered reversed, so a client that relies on order sees a change. */
const hashOrder = (list: readonly string[] | undefined): string[] | undefined => (list ? [...list].reverse() : undefined);

/** [OX source] An entry without value (null) deletes the attribute; "" is stored as "". */
function mergeAttributes(before: Record<string, string | null> | undefined, changes: Record<string, string | null> | undefined): Record<string, string> {
  const merged: Record<string, string | null> = { ...before, ...changes };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** The answer of a list operation: one <return> per user. */
interface UserList {
  readonly list: readonly OxUserData[];
}

const sameCredentials = (a: OxCredentials | undefined, b: OxCredentials): boolean => !!a && a.login === b.login && a.password === b.password;

class OxState {
  readonly contexts = new Map<number, StoredContext>();
  private nextContextId = 1;

  constructor(
    readonly master: OxCredentials,
    readonly options: OxTestServerOptions,
  ) {}

  private authMaster(auth: OxCredentials | undefined, exception: string | undefined): void {
    if (!sameCredentials(auth, this.master)) throw new Fault("Authentication failed", exception);
  }

  private findContext(ctx: OxContextData): StoredContext | undefined {
    return [...this.contexts.values()].find((c) => (ctx.id !== undefined ? c.id === ctx.id : c.name === ctx.name));
  }

  // ---- OXContextService: master admin only; faults without <detail> [OX source] ----

  contextOp(operation: string, content: Record<string, unknown>): SoapPart | boolean | undefined {
    const ctx = contextFromXml(content.ctx);
    this.authMaster(credentialsFromXml(content.auth), undefined);
    if (operation === "create") return this.createContext(ctx, userFromXml(content.admin_user));
    if (operation === "exists") return this.findContext(ctx) !== undefined;
    const stored = this.findContext(ctx);
    // [OX source] the context service's text; no detail element.
    if (!stored) throw new Fault(`Context ${ctx.id ?? ctx.name} does not exist`, undefined);
    if (operation === "getData") return { element: "return", kind: "context", value: this.contextData(stored) };
    if (operation === "delete") this.contexts.delete(stored.id);
    else if (operation === "change") this.changeContext(stored, ctx);
    else throw new Fault(`operation ${operation} is not supported by the test server`, undefined);
    return undefined;
  }

  private contextData(c: StoredContext): OxContextData {
    return { id: c.id, name: c.name, maxQuota: c.maxQuota, loginMappings: hashOrder(c.loginMappings) };
  }

  private fieldsOf(c: StoredContext) {
    return { name: c.name, contextId: c.id, maxQuotaMb: c.maxQuota, loginMappings: c.loginMappings };
  }

  private createContext(ctx: OxContextData, admin: OxUserData): SoapPart {
    requireFields(admin, ["name", "display_name", "given_name", "sur_name", "primaryEmail", "password"], "admin user", undefined);
    // [OX source] id and maxQuota are mandatory on create, unless autocontextid assigns (and overwrites) the id.
    requireFields(ctx, this.options.autoContextId ? ["maxQuota"] : ["id", "maxQuota"], "context", undefined);
    const id = this.options.autoContextId ? this.nextContextId : ctx.id!;
    const fields = { name: ctx.name ?? String(id), contextId: id, maxQuotaMb: ctx.maxQuota!, loginMappings: ctx.loginMappings ?? [] };
    invalidContext(contextFieldProblems(fields));
    const others = [...this.contexts.values()].map((c) => this.fieldsOf(c));
    for (const clash of contextClashProblems(fields, others)) {
      // [OX source] a mapping clash is a StorageException "A mapping with login info … already exists";
      // [assumption] the wording for a taken name or id.
      if (clash.property === "loginMappings") throw new Fault(`A mapping with login info ${clash.reason.match(/"([^"]*)"/)?.[1]} already exists`, undefined);
      throw new Fault(`Context ${clash.property === "name" ? fields.name : id} already exists`, undefined);
    }
    this.nextContextId = Math.max(this.nextContextId, id) + 1;
    // [OX source] create adds the context's name and id to its login mappings.
    const loginMappings = [...new Set([...fields.loginMappings, fields.name, String(id)])];
    // [OX rule] primaryEmail is added to the aliases; [assumption] the admin's user id is 2.
    const adminUser: OxUserData = { ...admin, id: 2, email1: admin.email1 ?? admin.primaryEmail, aliases: [admin.primaryEmail!] };
    this.contexts.set(id, {
      id,
      name: fields.name,
      maxQuota: fields.maxQuotaMb,
      loginMappings,
      admin: { login: admin.name!, password: admin.password! },
      users: new Map([[2, adminUser]]),
      nextUserId: 3,
    });
    return { element: "return", kind: "context", value: this.contextData(this.contexts.get(id)!) };
  }

  private changeContext(stored: StoredContext, ctx: OxContextData): void {
    // [OX source] change copies only the fields present; [assumption] sent mappings replace the old
    // ones; [OX source] the name is added again.
    const loginMappings = ctx.loginMappings ? [...new Set([...ctx.loginMappings, stored.name])] : stored.loginMappings;
    const next = { ...this.fieldsOf(stored), maxQuotaMb: ctx.maxQuota ?? stored.maxQuota, loginMappings };
    invalidContext(contextFieldProblems(next));
    const others = [...this.contexts.values()].filter((c) => c !== stored).map((c) => this.fieldsOf(c));
    invalidContext(contextClashProblems(next, others).filter((f) => f.property === "loginMappings"));
    stored.maxQuota = next.maxQuotaMb;
    stored.loginMappings = [...next.loginMappings];
  }

  // ---- OXUserService: faults with <detail> [OX source] ----

  /**
   * [OX source] a missing context answers InvalidCredentialsException (OX hides whether it exists);
   * the context admin authenticates; the master admin only with MASTER_ACCOUNT_OVERRIDE.
   */
  private userContext(ctx: OxContextData, auth: OxCredentials | undefined): StoredContext {
    const found = this.findContext(ctx);
    if (!found || (ctx.name !== undefined && ctx.name !== found.name)) throw new Fault("Authentication failed", "InvalidCredentialsException");
    const asMaster = this.options.masterAccountOverride === true && sameCredentials(auth, this.master);
    if (!asMaster && !sameCredentials(auth, found.admin)) throw new Fault("Authentication failed", "InvalidCredentialsException");
    return found;
  }

  userOp(operation: string, content: Record<string, unknown>): SoapPart | boolean | UserList | undefined {
    const stored = this.userContext(contextFromXml(content.ctx), credentialsFromXml(content.auth));
    // [OX source] listAll = list(ctx, "*"): every user with ONLY the id set (OXUserInterface.listAll);
    // [assumption] the context admin is among them (the code read filters nobody; the storage's SQL was not read).
    if (operation === "listAll") return { list: [...stored.users.keys()].sort((a, b) => a - b).map((id) => ({ id })) };
    if (operation === "getMultipleData") return { list: this.multipleData(stored, content.users, credentialsFromXml(content.auth)) };
    const user = userFromXml(content.usrdata ?? content.user);
    if (operation === "create") return { element: "return", kind: "user", value: this.answerUser(this.createUser(stored, user)) };
    if (operation === "exists") return this.findUser(stored, user) !== undefined;
    const found = this.findUser(stored, user);
    if (!found) throw new Fault(`No such user ${user.id ?? user.name} in context ${stored.id}`, "NoSuchUserException");
    if (operation === "getData") return { element: "return", kind: "user", value: this.answerUser(found) };
    if (operation === "delete") stored.users.delete(found.id!);
    else if (operation === "change") this.changeUser(stored, found, user);
    else throw new Fault(`operation ${operation} is not supported by the test server`, "RemoteException");
    return undefined;
  }

  /**
   * [OX source] OXUser.getData(ctx, User[], auth): an empty list is an InvalidDataException; each user
   * is found by id or by name (neither: "Username and userid missing."), a missing one fails the whole
   * call with NoSuchUserException. [OX source] Only the context admin may read several users (anyone
   * else: InvalidCredentialsException "Permission denied"); the master admin is no context admin, so
   * MASTER_ACCOUNT_OVERRIDE does not help here. [assumption] answers come in the order asked (the
   * storage's getData was not read).
   */
  private multipleData(stored: StoredContext, raw: unknown, auth: OxCredentials | undefined): OxUserData[] {
    const asked = (raw === undefined ? [] : [raw].flat()).map(userFromXml);
    if (asked.length === 0) throw new Fault("no users given", "InvalidDataException");
    if (asked.length > 1 && !sameCredentials(auth, stored.admin)) throw new Fault("Permission denied", "InvalidCredentialsException");
    return asked.map((user) => {
      if (user.id === undefined && user.name === undefined) throw new Fault("Username and userid missing.", "InvalidDataException");
      const found = this.findUser(stored, user);
      if (!found) throw new Fault(`No such user ${user.id ?? user.name} in context ${stored.id}`, "NoSuchUserException");
      return this.answerUser(found);
    });
  }

  private answerUser(user: OxUserData): OxUserData {
    return { ...withoutPassword(user), aliases: hashOrder(user.aliases) };
  }

  /** [OX source] getData, delete and exists accept the id or the name. */
  private findUser(stored: StoredContext, user: OxUserData): OxUserData | undefined {
    if (user.id !== undefined) return stored.users.get(user.id);
    return [...stored.users.values()].find((u) => u.name === user.name?.toLowerCase());
  }

  private othersThan(stored: StoredContext, id: number | undefined): OxUserFields[] {
    return [...stored.users.values()].filter((u) => u.id !== id).map(ruleFields);
  }

  private createUser(stored: StoredContext, user: OxUserData): OxUserData {
    requireFields(user, ["name", "display_name", "given_name", "sur_name", "primaryEmail", "password"], "user", "InvalidDataException");
    // [OX source] case-sensitive on create: primaryEmail.equals(email1).
    if (user.primaryEmail !== user.email1) {
      throw new Fault(`primaryEmail ${user.primaryEmail} and email1 ${user.email1 ?? "(none)"} differ`, "InvalidDataException");
    }
    // [OX source] OX adds primaryEmail and defaultSenderAddress to the aliases itself, compared case-sensitively.
    const own = [user.primaryEmail!, ...(user.defaultSenderAddress ? [user.defaultSenderAddress] : [])];
    const aliases = [...new Set([...(user.aliases ?? []), ...own])];
    // With both added in their exact spelling, the case-sensitive membership check holds by construction.
    // [OX source] an unset mailenabled is stored as true (OXUserMySQLStorage create); change copies it only when sent.
    const candidate: OxUserData = { ...user, aliases, name: user.name!.toLowerCase(), id: stored.nextUserId, mailenabled: user.mailenabled ?? true };
    invalidUser(userFieldProblems(ruleFields(candidate)));
    const conflicts = contextConflictProblems(ruleFields(candidate), this.othersThan(stored, undefined));
    // [assumption] the wording of OX's refusal of a taken name.
    if (conflicts.some((f) => f.property === "name")) throw new Fault(`User ${candidate.name} already exists in this context`, "InvalidDataException");
    invalidUser(conflicts);
    stored.nextUserId += 1;
    stored.users.set(candidate.id!, { ...candidate, userAttributes: mergeAttributes({}, candidate.userAttributes) });
    return stored.users.get(candidate.id!)!;
  }

  private changeUser(stored: StoredContext, before: OxUserData, changes: OxUserData): void {
    const { id: _id, ...rest } = changes;
    invalidUser(userChangeProblems(ruleFields(before), { name: rest.name, primaryEmail: rest.primaryEmail, email1: rest.email1 }));
    // [OX source] only the fields present are copied; a sent alias list replaces the old one.
    const after: OxUserData = { ...before, ...rest, name: before.name, userAttributes: mergeAttributes(before.userAttributes, rest.userAttributes) };
    // [OX source] alias membership is checked on change; [assumption] case-insensitively.
    invalidUser(userFieldProblems(ruleFields(after)));
    invalidUser(contextConflictProblems(ruleFields(after), this.othersThan(stored, before.id)));
    stored.users.set(before.id!, after);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function answer(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8", ...headers });
  res.end(xml);
}

/** [OX source] CXF: a fault with HTTP 500, faultstring ending in "; exceptionId …". */
const faultXml = (fault: Fault): string => buildFault(`${fault.message}; exceptionId -1786127467-42`, fault.exception);

/** Starts the server on 127.0.0.1 with a free port. */
export async function startOxTestServer(options: OxTestServerOptions = {}): Promise<OxTestServer> {
  const master = options.master ?? { login: "oxadminmaster", password: "master-secret-Ä&<1" };
  const state = new OxState(master, options);
  const requests: OxTestServer["requests"] = [];
  const script: Scripted[] = [];
  const timers = new Set<NodeJS.Timeout>();

  /** The normal answer: status and XML; the work is done when this returns. */
  function handle(service: string, body: string): [number, string] {
    try {
      const { operation, content } = parseEnvelope(body);
      if (!operation) throw new Fault("empty request", "RemoteException");
      requests.push({ service, operation, body });
      const result = service === "OXContextService" ? state.contextOp(operation, content) : state.userOp(operation, content);
      // [OX source] change and delete are void, parameter style BARE: an empty Body.
      if (operation === "change" || operation === "delete") return [200, buildVoidResponse()];
      // [OX source] ListAllResponse/GetMultipleDataResponse: `return` maxOccurs unbounded, none for an empty list.
      if (result !== undefined && typeof result === "object" && "list" in result) return [200, buildListResponse(operation, result.list)];
      return [200, buildResponse(operation, result)];
    } catch (err) {
      return [500, faultXml(err instanceof Fault ? err : new Fault((err as Error).message, "RemoteException"))];
    }
  }

  const server = createServer(async (req, res) => {
    const service = (req.url ?? "").replace(/^\/webservices\//, "");
    const body = await readBody(req);
    if (req.method !== "POST" || !["OXContextService", "OXUserService"].includes(service)) return answer(res, 404, "");
    const scripted = script.shift();
    if (scripted?.kind === "status")
      return answer(res, scripted.status, scripted.body ?? "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" });
    if (scripted?.kind === "redirect") return answer(res, scripted.status, "", { location: scripted.location });
    if (scripted?.kind === "echo-fault") return answer(res, 500, faultXml(new Fault(`Unparseable request: ${body}`, "RemoteException")));
    if (scripted?.kind === "hang") {
      const [status, xml] = scripted.commit ? handle(service, body) : [500, ""];
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res, status, xml);
      }, scripted.ms);
      timers.add(timer);
      return;
    }
    const [status, xml] = handle(service, body);
    answer(res, status, xml);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    master,
    requests,
    contexts: state.contexts,
    script,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
