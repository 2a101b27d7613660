// Every hook the gate's engine has into the Pulumi SDKs, checked against the installed SDKs: an SDK
// upgrade that moves what a hook touches fails here, naming the hook and the version it was written for.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  installedVersion,
  NO_SOURCE_POSITIONS,
  RESOURCE_TYPE_TAG,
  SDK_HOOKS,
  SdkChangedError,
  WRITTEN_FOR,
  type Sdk,
  type SdkHook,
} from "../../engine/sdk-hooks";

const ROOT = path.resolve(__dirname, "../..");
const POLICY_PACK = path.join(ROOT, "policies");

/** The version in node_modules/<sdk>/package.json (the policy SDK writes it with a "v"). */
function installed(sdk: Sdk): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", sdk, "package.json"), "utf8")) as { version: string };
  return pkg.version.replace(/^v/, "");
}

/** Runs `body` with `target[key]` replaced, restoring it afterwards. */
function replacedWhile(target: Record<string, unknown>, key: string, value: unknown, body: () => void): void {
  const original = target[key];
  target[key] = value;
  try {
    body();
  } finally {
    target[key] = original;
  }
}

describe("SDK hooks of the gate's engine", () => {
  const SDKS = ["@pulumi/pulumi", "@pulumi/policy"] as const;
  it.each(SDKS)("%s is not the version the hooks were written for (re-read every hook before changing WRITTEN_FOR)", (sdk) => {
    expect(installedVersion(sdk)).toBe(installed(sdk));
    expect(`${sdk} ${installed(sdk)}`).toBe(`${sdk} ${WRITTEN_FOR[sdk]}`);
  });

  const title = (hook: SdkHook) => `${hook.name} (written for ${hook.sdk} ${WRITTEN_FOR[hook.sdk]}, installed ${installed(hook.sdk)}; ${hook.usedBy})`;
  const titled = SDK_HOOKS.map((hook) => [title(hook), hook] as const);
  it.each(titled)("hook %s no longer finds what it touches", (_title, hook) => {
    // The policy SDK is resolved the way the engine resolves it for the pack: from the pack's folder.
    hook.check(hook.sdk === "@pulumi/policy" ? POLICY_PACK : ROOT);
  });

  it("an SDK that moved what a @pulumi/pulumi hook touches passes unnoticed, or fails without naming the hook and version", () => {
    const { Resource } = require("@pulumi/pulumi/resource") as { Resource: Record<string, unknown> };
    replacedWhile(Resource, "callsites", undefined, () => {
      expect(() => NO_SOURCE_POSITIONS.check()).toThrow(SdkChangedError);
      expect(() => NO_SOURCE_POSITIONS.check()).toThrow(
        `hook no-source-positions written for @pulumi/pulumi ${WRITTEN_FOR["@pulumi/pulumi"]} — the SDK changed under it ` +
          `(installed ${installed("@pulumi/pulumi")}): Resource.callsites is not a function`,
      );
    });
  });

  it("an SDK that moved what a @pulumi/policy hook touches passes unnoticed, or fails without naming the hook and version", () => {
    const policy = require("@pulumi/policy/policy") as Record<string, unknown>;
    replacedWhile(
      policy,
      "getPulumiType",
      () => undefined,
      () => {
        expect(() => RESOURCE_TYPE_TAG.check(POLICY_PACK)).toThrow(
          `hook resource-type-tag written for @pulumi/policy ${WRITTEN_FOR["@pulumi/policy"]} — the SDK changed under it ` +
            `(installed ${installed("@pulumi/policy")}): getPulumiType no longer reads __pulumiType`,
        );
      },
    );
  });

  it("lists a hook twice or leaves one out of docs/engine.md", () => {
    const names = SDK_HOOKS.map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
    const doc = fs.readFileSync(path.join(ROOT, "docs", "engine.md"), "utf8");
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });
});
