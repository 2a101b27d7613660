// The adoption file `oxmig audit --adoptions FILE` writes and the program reads (stack config
// `oxmig:adoptions`): which existing OX user each mailbox takes over, and on what evidence.
//
// Why not a `pulumi import` file: the OX users are dynamic-provider resources, and Pulumi cannot
// import those — neither `pulumi import` nor the `import:` resource option work, because the engine's
// Read of an imported resource lacks the serialised `__provider` (pulumi/pulumi#16175, #3550, both
// open). So the program hands the OX user id to the resource as an input (`adoptUserId`) and the
// provider's create reads that user and brings it to the declared state instead of creating one.
// No message content and no secret is in the file: ids, the kind of evidence and a message count.
import { z } from "zod";
import type { AdoptionDecision, AdoptionEvidence } from "./adoption";
import { InputError } from "./errors";

export const ADOPTION_FILE_VERSION = 1;

export interface Adoption {
  readonly mailboxId: string;
  /** OX context name and id the user lives in. */
  readonly context: string;
  readonly contextId: number;
  readonly oxUserId: number;
  readonly evidence: AdoptionEvidence;
  /** Messages of the target mailbox the decision was made on. */
  readonly messages: number;
}

export interface AdoptionFile {
  readonly version: typeof ADOPTION_FILE_VERSION;
  readonly stack: string;
  readonly adoptions: readonly Adoption[];
}

const AdoptionSchema = z.strictObject({
  mailboxId: z.string().min(1),
  context: z.string().min(1),
  contextId: z.number().int().positive(),
  oxUserId: z.number().int().positive(),
  evidence: z.enum(["attribute", "source-ownership"]),
  messages: z.number().int().nonnegative(),
});

const FileSchema = z.object({
  version: z.literal(ADOPTION_FILE_VERSION),
  stack: z.string().min(1),
  note: z.string().optional(),
  adoptions: z.array(z.unknown()),
});

const NOTE =
  "oxmig adoption file (docs/adoption.md): not a `pulumi import` file, Pulumi cannot import dynamic-provider resources (pulumi/pulumi#16175, #3550). Review it, then set oxmig:adoptions to its path.";

/** The adoptions of the decisions, sorted by context and mailbox. */
export function adoptionsOf(decisions: readonly AdoptionDecision[]): Adoption[] {
  return decisions
    .flatMap((d) =>
      d.status === "adopted"
        ? [
            {
              mailboxId: d.mailboxId,
              context: d.user.contextName,
              contextId: d.user.contextId,
              oxUserId: d.user.userId,
              evidence: d.evidence,
              messages: d.messages,
            },
          ]
        : [],
    )
    .sort((a, b) => a.context.localeCompare(b.context) || a.mailboxId.localeCompare(b.mailboxId));
}

export function renderAdoptionFile(stack: string, adoptions: readonly Adoption[]): string {
  return `${JSON.stringify({ version: ADOPTION_FILE_VERSION, stack, note: NOTE, adoptions }, null, 2)}\n`;
}

/** Parses and checks an adoption file for `stack`; bad input names the file and the entry (exit 2). */
export function parseAdoptionFile(text: string, file: string, stack: string): AdoptionFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, undefined, `not JSON: ${(err as Error).message}`);
  }
  const top = FileSchema.safeParse(raw);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    throw new InputError(file, issue.path.join(".") || undefined, issue.message);
  }
  if (top.data.stack !== stack) throw new InputError(file, "stack", `written for stack "${top.data.stack}", this is stack "${stack}"`);
  const seen = new Map<string, number>();
  const adoptions = top.data.adoptions.map((entry, i) => {
    const parsed = AdoptionSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(file, `adoptions[${i}]${issue.path.length ? `.${issue.path.join(".")}` : ""}`, issue.message);
    }
    const before = seen.get(parsed.data.mailboxId);
    if (before !== undefined) throw new InputError(file, `adoptions[${i}]`, `mailbox ${parsed.data.mailboxId} is adopted twice (also adoptions[${before}])`);
    seen.set(parsed.data.mailboxId, i);
    return parsed.data;
  });
  return { version: ADOPTION_FILE_VERSION, stack, adoptions };
}
