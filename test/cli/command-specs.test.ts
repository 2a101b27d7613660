// The commands are registered from specs (cli/specs/) and load their implementation only when they
// run. What each command accepts must not change with that split, and each spec must reach its
// implementation.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_PEOPLE } from "@oxmig/core/generate";
import { PROFILE_NAMES } from "@oxmig/core/generate/profiles";
import { REPORT_FORMATS } from "../../gate/report";
import { ANALYZER_MODES } from "../../gate/run-gate";
import { buildProgram, main } from "../../cli/main";
import { ANALYZER_CHOICES, REPORT_FORMAT_CHOICES } from "../../cli/specs/gate";
import { MAX_PEOPLE as SPEC_MAX_PEOPLE } from "../../cli/specs/generate";
import { captureOutput } from "../support/capture-output";
import { describeCommands } from "./support/command-options";

describe("command specs", () => {
  it("every command accepts the options it accepted before the split (names, help, defaults, choices, parsers)", async () => {
    // Taken from the commands as they registered themselves eagerly; `oxmig status` and
    // `rehearse --incident-drill` were added alongside. Update with `npx vitest run -u` when an option
    // changes on purpose.
    await expect(`${JSON.stringify(describeCommands(buildProgram()), null, 2)}\n`).toMatchFileSnapshot("./__snapshots__/command-options.json");
  });

  it("restate the implementation's lists without loading it", () => {
    expect([...REPORT_FORMAT_CHOICES]).toEqual([...REPORT_FORMATS]);
    expect([...ANALYZER_CHOICES]).toEqual([...ANALYZER_MODES]);
    expect(SPEC_MAX_PEOPLE).toBe(MAX_PEOPLE);
    const generate = buildProgram().commands.find((c) => c.name() === "generate")!;
    expect(generate.options.find((o) => o.long === "--profile")!.argChoices).toEqual([...PROFILE_NAMES]);
  });
});

describe("each command, when it runs", () => {
  const out = captureOutput();
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-specs-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // An unknown stack is the first thing each implementation finds: reaching that error proves the
  // spec loaded its implementation and called it (a wrong module or export name fails differently).
  const perCommand: Record<string, string[]> = {
    bindings: [],
    lock: [],
    gate: [],
    rehearse: [],
    verify: [],
    review: ["--no-gate"],
    "policy-config": [],
    audit: [],
    clean: ["--wave", "w1"],
    status: [],
  };

  it.each(Object.entries(perCommand))("%s loads its implementation and reports an unknown stack (exit 2)", async (command, extra) => {
    expect(await main(["node", "oxmig", command, "--stack", "no-such-stack", ...extra])).toBe(2);
    expect(out.stderr).toContain('unknown stack "no-such-stack"');
  });

  it("generate loads the generator and writes an inventory", async () => {
    expect(await main(["node", "oxmig", "generate", "--out", dir, "--people", "3"])).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(["directory.ldif", "exchange.csv", "plan.yaml"]);
    expect(out.stdout).toContain("wrote ");
  });

  it("covers every registered command", () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names.sort()).toEqual([...Object.keys(perCommand), "generate"].sort());
  });
});
