import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { DEFAULTS, PROJECT } from "../../infra/config";

const ROOT = resolve(__dirname, "../..");
const yamlOf = (file: string) => load(readFileSync(join(ROOT, file), "utf8")) as Record<string, unknown>;
const project = yamlOf("Pulumi.yaml") as { name: string; config: Record<string, { type: string; default?: unknown; secret?: boolean }> };

describe("Pulumi.yaml and infra/config.ts", () => {
  it("the project name is the config namespace the program reads", () => {
    expect(project.name).toBe(PROJECT);
  });

  it("every default in infra/config.ts is the default Pulumi.yaml declares (the CLI and the mocks agree)", () => {
    for (const [key, value] of Object.entries(DEFAULTS)) expect(project.config[key]?.default, key).toEqual(value);
  });

  it("settings without a default in Pulumi.yaml are exactly the required ones", () => {
    const required = Object.entries(project.config)
      .filter(([, d]) => d.default === undefined)
      .map(([k]) => k)
      .sort();
    expect(required).toEqual(["imapServer", "oxAdminPassword", "oxEndpoint", "smtpServer", "sourceImapHost"]);
    expect(project.config["oxAdminPassword"]?.secret).toBe(true);
  });
});

describe("stack files", () => {
  for (const file of ["Pulumi.staging.yaml", "Pulumi.prod.yaml", "Pulumi.prod-fa.yaml"]) {
    it(`${file} sets only declared keys and never the admin password`, () => {
      const keys = Object.keys((yamlOf(file) as { config: Record<string, unknown> }).config);
      for (const key of keys)
        expect(
          Object.keys(project.config).map((k) => `${PROJECT}:${k}`),
          key,
        ).toContain(key);
      expect(keys).not.toContain(`${PROJECT}:oxAdminPassword`);
    });
  }

  it("prod stacks protect their resources", () => {
    for (const file of ["Pulumi.prod.yaml", "Pulumi.prod-fa.yaml"])
      expect((yamlOf(file) as { config: Record<string, unknown> }).config[`${PROJECT}:protect`], file).toBe(true);
  });

  it.skipIf(!existsSync(join(ROOT, "inventory/prod/plan.yaml")))("the prod-fa shard names contexts that exist in inventory/prod", () => {
    const plan = yamlOf("inventory/prod/plan.yaml") as { contexts: Record<string, unknown> };
    const shard = (yamlOf("Pulumi.prod-fa.yaml") as { config: Record<string, string[]> }).config[`${PROJECT}:contexts`]!;
    for (const context of shard) expect(Object.keys(plan.contexts), context).toContain(context);
  });
});
