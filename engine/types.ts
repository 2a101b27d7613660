// The gate's data: what a program declared, what the policy pack answered, and the
// message convention rules use so the gate can tell which mailbox a violation is about.

/** A property path: object keys and array indexes from the resource's top-level property bag. */
export type PropertyPath = readonly (string | number)[];

/** Wire sentinel of a value that is unknown during preview (engine and policy SDK agree on it). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The resource options the policies read, as the SDK sent them to the (mock) engine. */
export interface DeclaredOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  /** Undefined when the program did not set it. */
  readonly deleteBeforeReplace?: boolean;
  readonly additionalSecretOutputs: readonly string[];
  /** Provider reference `urn::id`, when the program passed an explicit provider. */
  readonly provider?: string;
  readonly aliases: readonly string[];
  readonly customTimeouts?: { readonly create: string; readonly update: string; readonly delete: string };
}

/** One registered resource, JSON-safe (it crosses a process boundary). */
export interface DeclaredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly parent?: string;
  /** Inputs with secrets unwrapped; unknown values are the UNKNOWN sentinel; resource references are ids/URNs. */
  readonly inputs: Record<string, unknown>;
  readonly secretInputPaths: readonly PropertyPath[];
  /** Mock state (custom resources) or registered outputs (components), same encoding as inputs. */
  readonly outputs: Record<string, unknown>;
  readonly secretOutputPaths: readonly PropertyPath[];
  readonly options: DeclaredOptions;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Record<string, readonly string[]>;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One diagnostic as the policy pack returned it over the analyzer protocol. */
export interface PolicyViolation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  readonly description: string;
  /** The resource the violation is about (Analyze: the analysed resource; AnalyzeStack: as reported). */
  readonly urn?: string;
}

/** What GetAnalyzerInfo told us about one policy. */
export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly kind: "resource" | "stack" | "unknown";
  readonly configSchema?: Record<string, unknown>;
}

/** Per-policy config, as `--policy-pack-config` supplies it: an enforcement level and/or properties. */
export type PolicyConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

/** The mailbox a finding is about, as the plan line names it and a reviewer recognises it. */
export interface MailboxSubject {
  /** The plan line's key: the source mailbox's PrimarySmtpAddress. */
  readonly source: string;
  readonly kind: string;
  readonly mailboxId: string;
  /** The owner the plan line names (personal mailboxes), as the directory knows them. */
  readonly owner?: { readonly uid: string; readonly displayName: string; readonly organisation: string };
  /** The source's display name (functional mailboxes). */
  readonly displayName: string;
}

/** One finding in a gate report. */
export interface GateViolation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly mailbox?: string;
  readonly identity?: string;
  readonly message: string;
  readonly urn?: string;
  /** Plan file and 1-based line the finding points to, when the rule knows it. */
  readonly file?: string;
  readonly line?: number;
  /** The shard stack the finding is from, in a stack family's combined report. */
  readonly shard?: string;
  /** The plan line's mailbox, when the gate could tie the finding to one. */
  readonly subject?: MailboxSubject;
}

export interface GateResult {
  readonly stack: string;
  /** How many mailboxes the gate checked. */
  readonly mailboxes: number;
  readonly violations: readonly GateViolation[];
}

export { formatViolationMessage, parseViolationMessage } from "@oxmig/core/violation-message";
export type { ViolationMessage } from "@oxmig/core/violation-message";
