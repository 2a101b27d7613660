// How a personal mailbox's Exchange source is tied to its owner: by AD objectGUID (strong) or,
// when the directory carries no objectGUID, by primary address plus UPN local part (weak).
import type { Person, SourceMailbox } from "@oxmig/core/model";
import { upnLocalPart } from "@oxmig/core/source-ownership";
import type { PolicyContext } from "../config";
import { describePerson, describeSource } from "./identity";

export type SourceMatch =
  { readonly strength: "strong" } | { readonly strength: "weak"; readonly evidence: string } | { readonly strength: "none"; readonly problem: string };

export function matchSource(ctx: PolicyContext, owner: Person, source: SourceMailbox): SourceMatch {
  const adAccount = ctx.directory.byObjectGuid.get(source.ownerGuid);
  const sourceText = `source ${describeSource(ctx, source)} belongs to AD account ${source.ownerGuid}`;
  if (owner.objectGuid !== undefined) {
    if (owner.objectGuid === source.ownerGuid) return { strength: "strong" };
    const who = adAccount ? ` = ${describePerson(ctx, adAccount)}` : " (not in the directory)";
    return { strength: "none", problem: `${sourceText}${who}, but the owner is ${describePerson(ctx, owner)} with objectGUID ${owner.objectGuid}` };
  }
  if (adAccount && adAccount !== owner) {
    return { strength: "none", problem: `${sourceText} = ${describePerson(ctx, adAccount)}, not the owner ${describePerson(ctx, owner)}` };
  }
  const sameMail = owner.mail !== undefined && owner.mail.normalised === source.primarySmtp.normalised;
  const sameLogin = upnLocalPart(source.userPrincipalName) === owner.uid.toLowerCase();
  if (sameMail && sameLogin) {
    return {
      strength: "weak",
      evidence: `matched by address ${source.primarySmtp.display} and UPN ${source.userPrincipalName} only (the directory carries no objectGUID for ${describePerson(ctx, owner)})`,
    };
  }
  const found = [
    sameMail ? undefined : `PrimarySmtpAddress ${source.primarySmtp.display} is not the owner's mail ${owner.mail?.display ?? "(none)"}`,
    sameLogin ? undefined : `UPN ${source.userPrincipalName} does not name uid ${owner.uid}`,
  ].filter((s) => s !== undefined);
  return { strength: "none", problem: `source ${describeSource(ctx, source)} cannot be tied to the owner ${describePerson(ctx, owner)}: ${found.join("; ")}` };
}
