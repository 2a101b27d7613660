// `check` of the OX user provider: fills defaults and fails early on what OX would refuse.

import type * as pulumi from "@pulumi/pulumi";
import { connectionFailures, withoutConnection } from "./connection";
import { splitAttributeKey, userFieldProblems, type RuleFailure } from "./rules";
import { isUnknown, missingStrings } from "./values";

/** Inputs of an OX user as the provider sees them (engine-resolved, plain); the connection is no input (connection.ts). */
export interface OxUserInputs {
  readonly contextName: string;
  readonly contextId: number;
  readonly name: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly surName: string;
  readonly primaryEmail: string;
  readonly email1: string;
  readonly defaultSenderAddress: string;
  readonly aliases: readonly string[];
  readonly imapLogin: string;
  readonly imapServer: string;
  readonly smtpServer: string;
  readonly userAttributes: Readonly<Record<string, string>>;
  readonly language: string;
  readonly timezone: string;
  /** OX `mailenabled`: false disables the user (containment); true unless declared otherwise. */
  readonly mailEnabled: boolean;
  /**
   * An existing OX user (id in this context) the create takes over instead of creating one: a legacy
   * user matched by evidence (docs/adoption.md). Only create reads it; it is no part of diffs or state.
   */
  readonly adoptUserId?: number;
}

export interface OxUserOutputs extends Omit<OxUserInputs, "adoptUserId"> {
  /** OX user id within its context. */
  readonly userId: number;
}

export const USER_DEFAULTS = { language: "de_DE", timezone: "Europe/Berlin" } as const;

const REQUIRED_STRINGS = [
  "contextName",
  "name",
  "displayName",
  "primaryEmail",
  "email1",
  "defaultSenderAddress",
  "imapLogin",
  "imapServer",
  "smtpServer",
] as const;

/** Fills defaults: language, timezone, enabled, and given/sur name (OX requires both; functional mailboxes have neither). */
export function withUserDefaults(news: Record<string, unknown>): Record<string, unknown> {
  return {
    ...news,
    language: news.language ?? USER_DEFAULTS.language,
    timezone: news.timezone ?? USER_DEFAULTS.timezone,
    mailEnabled: news.mailEnabled ?? true,
    givenName: news.givenName ?? news.displayName,
    surName: news.surName ?? news.displayName,
  };
}

function shapeProblems(inputs: Record<string, unknown>): RuleFailure[] {
  const failures = [...connectionFailures(), ...missingStrings(inputs, REQUIRED_STRINGS)];
  const id = inputs.contextId;
  if (!isUnknown(id) && !(typeof id === "number" && Number.isInteger(id) && id > 0)) {
    failures.push({ property: "contextId", reason: `contextId must be a positive integer, got ${JSON.stringify(id)}` });
  }
  if (!isUnknown(inputs.aliases) && !(Array.isArray(inputs.aliases) && inputs.aliases.every((a) => typeof a === "string"))) {
    failures.push({ property: "aliases", reason: "aliases must be a list of addresses" });
  }
  const adopt = inputs.adoptUserId;
  if (adopt !== undefined && !isUnknown(adopt) && !(typeof adopt === "number" && Number.isInteger(adopt) && adopt > 0)) {
    failures.push({ property: "adoptUserId", reason: `adoptUserId must be a positive integer (an OX user id), got ${JSON.stringify(adopt)}` });
  }
  if (!isUnknown(inputs.mailEnabled) && typeof inputs.mailEnabled !== "boolean") {
    failures.push({ property: "mailEnabled", reason: `mailEnabled must be true or false, got ${JSON.stringify(inputs.mailEnabled)}` });
  }
  const attributes = inputs.userAttributes;
  if (!isUnknown(attributes)) {
    if (!attributes || typeof attributes !== "object" || Array.isArray(attributes)) {
      failures.push({ property: "userAttributes", reason: "userAttributes must be a map of strings" });
    } else {
      for (const [key, value] of Object.entries(attributes)) {
        if (!splitAttributeKey(key)) failures.push({ property: "userAttributes", reason: `attribute key "${key}" must look like "namespace/name"` });
        if (typeof value !== "string") failures.push({ property: "userAttributes", reason: `attribute "${key}" must be a string` });
      }
    }
  }
  return failures;
}

/** The provider's check: normalised inputs plus every failure, each naming its property. */
export function checkUser(_olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const inputs = withUserDefaults(withoutConnection(news));
  const failures = shapeProblems(inputs);
  const ruleFields = ["name", "displayName", "primaryEmail", "email1", "defaultSenderAddress", "aliases"];
  const ruleInputsKnown = ruleFields.every((f) => !isUnknown(inputs[f]));
  const shapeBroken = failures.some((f) => ruleFields.includes(f.property));
  if (ruleInputsKnown && !shapeBroken) failures.push(...userFieldProblems(inputs as unknown as OxUserInputs));
  return { inputs, failures };
}
