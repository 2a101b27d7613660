// Helpers for the program tests: a generated inventory on disk, and one run of the real
// program (infra/index.ts) under Pulumi's mock runtime in a child process (the runtime is a
// process-wide singleton, so every run gets its own process — engine/program-process).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import { generate } from "@oxmig/core/generate";
import { runProgram } from "../../engine/program-process";
import type { DeclaredResource, PropertyPath } from "../../engine/types";

export const PROGRAM = resolve(__dirname, "../../infra/index.ts");
export const PROJECT = "oxmig";
/** Synthetic admin password: the tests assert it never shows up outside secret values. */
export const ADMIN_PASSWORD = "admin-pw-7c1e9f";

const inventories: string[] = [];
afterAll(() => {
  for (const dir of inventories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a small generated inventory (two contexts, people plus shared/room/equipment mailboxes), removed after the test file. */
export function writeInventory(people = 8, organisations = ["fa-luebeck", "im"]): string {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-infra-"));
  inventories.push(dir);
  const inv = generate({ people, seed: 7, organisations });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "directory.ldif"), inv.directoryLdif);
  writeFileSync(join(dir, "exchange.csv"), inv.exchangeCsv);
  writeFileSync(join(dir, "plan.yaml"), inv.planYaml);
  return dir;
}

/** Config every run needs; `extra` overrides (keys without the project prefix). */
export function stackConfig(inventory: string, extra: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {
    inventory,
    oxEndpoint: "http://127.0.0.1:8009",
    imapServer: "imap://127.0.0.1:143",
    smtpServer: "smtp://127.0.0.1:587",
    sourceImapHost: "exchange.land.example",
    oxAdminPassword: ADMIN_PASSWORD,
    ...extra,
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v]));
}

/** Mocks for preview runs: keys get no result, as before they exist. */
const PREVIEW_MOCKS = resolve(__dirname, "../fixtures/infra/mocks-preview.ts");

export function runStack(stack: string, config: Record<string, string>, preview = false): Promise<DeclaredResource[]> {
  return runProgram({
    programModule: PROGRAM,
    project: PROJECT,
    stack,
    config,
    secretKeys: [`${PROJECT}:oxAdminPassword`],
    preview,
    ...(preview ? { mocksModule: PREVIEW_MOCKS } : {}),
    timeoutMs: 180_000,
  });
}

/** A copy of `value` with every secret path removed: what a reader without secrets would see. */
export function withoutSecrets(value: Record<string, unknown>, paths: readonly PropertyPath[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  for (const path of paths) {
    let node: Record<string | number, unknown> | undefined = copy;
    for (const step of path.slice(0, -1)) node = node?.[step] as Record<string | number, unknown> | undefined;
    if (node && path.length > 0) delete node[path[path.length - 1]!];
    if (path.length === 0) return {};
  }
  return copy;
}

export const byType = (resources: readonly DeclaredResource[], type: string) => resources.filter((r) => r.type === type);
export const byName = (resources: readonly DeclaredResource[], name: string) => {
  const found = resources.find((r) => r.name === name);
  if (!found)
    throw new Error(
      `no resource named ${name} (have: ${resources
        .map((r) => r.name)
        .slice(0, 20)
        .join(", ")}, …)`,
    );
  return found;
};
