// The OX users of the selected contexts, read through OX's SOAP provisioning (OXUserService), for
// `oxmig audit --adoptions`. Read-only: listAll, then getMultipleData; OXContextService.getData only
// for a context whose id the plan does not fix.
// OX's contract, read in open-xchange/appsuite-middleware (see docs/adoption.md):
//   - listAll(ctx, auth) is list(ctx, "*"): every user with ONLY the id set (OXUserInterface); its
//     answer repeats <return> once per user and has none for an empty context (ListAllResponse);
//   - getMultipleData(ctx, users…, auth) answers one <return> per user asked (GetMultipleDataResponse);
//     an empty list is refused, a missing user fails the whole call (NoSuchUserException), and only
//     the context admin may read several users: the master admin is no context admin, so
//     MASTER_ACCOUNT_OVERRIDE does not help (OXUser.getData(Context, User[], Credentials));
//   - user calls need the context's id (OXUser.checkContext: "Context invalid" without one).
// Not verified against a running OX: the order of getMultipleData's answers (matched by id here, so
// order does not matter) and whether listAll includes the context admin (it is judged like any user).
import type { OxUserFacts } from "@oxmig/core/adoption";
import { authPart, callOx, userAuthPart, type OxConnection } from "../infra/ox/soap-client";
import { contextFromXml, userFromXml, type SoapPart } from "../infra/ox/soap";

export interface OxContextRef {
  readonly name: string;
  /** The plan's fixed id; absent: asked from OX by name. */
  readonly id?: number;
}

export type ContextUsers = { readonly context: string; readonly users: readonly OxUserFacts[] } | { readonly context: string; readonly error: string };

/** Users asked per getMultipleData call. */
export const MULTIPLE_DATA_BATCH = 200;

const contextPart = (id: number, name: string): SoapPart => ({ element: "ctx", kind: "context", value: { id, name } });

async function contextIdOf(connection: OxConnection, ref: OxContextRef): Promise<number> {
  if (ref.id !== undefined) return ref.id;
  // [not verified against a running OX] getData resolves a context given by name only.
  const answer = contextFromXml(
    await callOx(connection, "OXContextService", "getData", [{ element: "ctx", kind: "context", value: { name: ref.name } }, authPart(connection)]),
  );
  if (!Number.isInteger(answer.id)) throw new Error(`OX OXContextService.getData: context "${ref.name}" came back without an id`);
  return answer.id!;
}

function factsOf(user: ReturnType<typeof userFromXml>, context: string, contextId: number): OxUserFacts {
  const attributes = Object.fromEntries(Object.entries(user.userAttributes ?? {}).filter((e): e is [string, string] => e[1] !== null));
  return {
    contextName: context,
    contextId,
    userId: user.id!,
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.display_name !== undefined ? { displayName: user.display_name } : {}),
    ...(user.primaryEmail !== undefined ? { primaryEmail: user.primaryEmail } : {}),
    ...(user.imapLogin !== undefined ? { imapLogin: user.imapLogin } : {}),
    attributes,
  };
}

/** Every user of one context with the fields adoption reads; a failure is returned, not thrown (no secret in it). */
export async function listContextUsers(connection: OxConnection, ref: OxContextRef): Promise<ContextUsers> {
  try {
    const contextId = await contextIdOf(connection, ref);
    const ctx = contextPart(contextId, ref.name);
    const auth = userAuthPart(connection);
    const listed = (await callOx(connection, "OXUserService", "listAll", [ctx, auth])) as unknown[];
    const ids = listed.map((u) => userFromXml(u).id).filter((id): id is number => Number.isInteger(id));
    const users: OxUserFacts[] = [];
    for (let at = 0; at < ids.length; at += MULTIPLE_DATA_BATCH) {
      const batch = ids.slice(at, at + MULTIPLE_DATA_BATCH);
      const answer = (await callOx(connection, "OXUserService", "getMultipleData", [
        ctx,
        { element: "users", kind: "users", value: batch.map((id) => ({ id })) },
        auth,
      ])) as unknown[];
      const byId = new Map(answer.map(userFromXml).map((u) => [u.id, u]));
      for (const id of batch) {
        const user = byId.get(id);
        if (!user) throw new Error(`OX OXUserService.getMultipleData: no answer for user ${id} of context ${contextId}`);
        users.push(factsOf(user, ref.name, contextId));
      }
    }
    return { context: ref.name, users };
  } catch (err) {
    return { context: ref.name, error: (err as Error).message };
  }
}
