import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "@oxmig/core/errors";
import { displayPath, inventoryDir, readInventory } from "../../io/inventory";

const GOOD = join(__dirname, "../fixtures/inputs/good");
const made: string[] = [];

/** A temporary inventory holding the good fixture, with `replace` overriding files. */
function inventoryWith(replace: Record<string, Buffer | undefined> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-inventory-"));
  made.push(dir);
  for (const name of ["directory.ldif", "exchange.csv", "plan.yaml"]) {
    if (!(name in replace)) copyFileSync(join(GOOD, name), join(dir, name));
    else if (replace[name]) writeFileSync(join(dir, name), replace[name]!);
  }
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("inventoryDir", () => {
  it("places a stack under <root>/inventory/<stack>", () => {
    expect(inventoryDir("staging", "/srv/oxmig")).toBe("/srv/oxmig/inventory/staging");
    expect(inventoryDir("prod")).toBe(join(process.cwd(), "inventory", "prod"));
  });
});

describe("readInventory", () => {
  it("reads the three inputs and names them relative to the working directory", () => {
    const inventory = readInventory(GOOD);
    const shown = relative(process.cwd(), GOOD);
    expect(inventory.files).toEqual({
      directory: join(shown, "directory.ldif"),
      exchange: join(shown, "exchange.csv"),
      plan: join(shown, "plan.yaml"),
    });
    expect(inventory.people.map((p) => p.uid)).toEqual(["mmueller", "jschmidt", "jweiss"]);
    expect(inventory.sources).toHaveLength(5);
    expect(inventory.plan.waves.map((w) => w.name)).toEqual(["w01-fa-luebeck", "w02-fa-kiel"]);
  });

  it("names a missing file by its path", () => {
    const dir = inventoryWith({ "plan.yaml": undefined });
    const err = (() => {
      try {
        readInventory(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`${join(dir, "plan.yaml")}: file not found; every stack needs directory.ldif, exchange.csv, plan.yaml`);
  });

  it("rejects a UTF-16 exchange.csv from Export-Csv -Encoding Unicode", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(join(GOOD, "exchange.csv"), "utf8").slice(1), "utf16le")]);
    const dir = inventoryWith({ "exchange.csv": utf16 });
    expect(() => readInventory(dir)).toThrow(new RegExp(`^${join(dir, "exchange.csv")}: the file is UTF-16 .*-Encoding UTF8`));
  });

  it("reads a directory export folded inside a UTF-8 sequence (bytes, not text)", () => {
    const ldif = readFileSync(join(GOOD, "directory.ldif"));
    const juergen = Buffer.from("displayName: J\u00fcrgen Wei\u00df\n");
    const at = ldif.indexOf(juergen);
    const splitUmlaut = [Buffer.from("displayName: J"), Buffer.from([0xc3]), Buffer.from("\n "), Buffer.from([0xbc]), Buffer.from("rgen Wei\u00df\n")];
    const folded = Buffer.concat([ldif.subarray(0, at), ...splitUmlaut, ldif.subarray(at + juergen.length)]);
    const dir = inventoryWith({ "directory.ldif": folded });
    expect(readInventory(dir).people.find((p) => p.uid === "jweiss")?.displayName).toBe("J\u00fcrgen Wei\u00df");
  });
});

describe("displayPath", () => {
  it("shows paths inside the working directory relative, others absolute", () => {
    expect(displayPath("/work/x/inventory/staging/plan.yaml", "/work/x")).toBe("inventory/staging/plan.yaml");
    expect(displayPath("/elsewhere/plan.yaml", "/work/x")).toBe("/elsewhere/plan.yaml");
  });
});
