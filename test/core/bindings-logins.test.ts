// The resolver refuses any login doveadm, Dovecot or OX would read as more than itself (core/login.ts),
// naming the plan.yaml line of the mailbox and the directory or Exchange line the login came from.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import type { Inventory } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { errorsOf } from "../support/input-errors";

const GOOD = join(__dirname, "../fixtures/inputs/good");

function withAlias(inventory: Inventory, primary: string, alias: string): Inventory {
  return { ...inventory, sources: inventory.sources.map((s) => (s.primarySmtp.normalised === primary ? { ...s, alias } : s)) };
}

function withUid(inventory: Inventory, uid: string, newUid: string): Inventory {
  return { ...inventory, people: inventory.people.map((p) => (p.uid === uid ? { ...p, uid: newUid } : p)) };
}

describe("resolver: logins are literal", () => {
  const good = readInventory(GOOD);
  const planLine = (source: string) => good.plan.waves.flatMap((w) => w.mailboxes).find((m) => m.source === source)!.line;

  it("resolves the fixture's logins unchanged, functional ones prefixed by kind", () => {
    const logins = resolveBindings(good).map((b) => b.dovecotLogin);
    expect(logins).toContain("shared-poststelle");
    expect(logins).toContain("mmueller");
  });

  it.each(["poststelle*", "post?telle", "post stelle", "post%stelle"])("refuses a shared mailbox whose Exchange Alias is %j", (alias) => {
    const source = good.sources.find((s) => s.primarySmtp.normalised === "poststelle@fa-luebeck.example")!;
    const [error] = errorsOf(() => resolveBindings(withAlias(good, "poststelle@fa-luebeck.example", alias)));
    expect(error?.file).toBe(good.files.plan);
    expect(error?.where).toMatch(new RegExp(`^line ${planLine("poststelle@fa-luebeck.example")} `));
    expect(error?.problem).toContain(`login "shared-${alias}" from the Exchange Alias "${alias}" (${good.files.exchange} line ${source.line})`);
    expect(error?.exitCode).toBe(2);
  });

  it("says why a wildcard is refused", () => {
    const [error] = errorsOf(() => resolveBindings(withAlias(good, "poststelle@fa-luebeck.example", "poststelle*")));
    expect(error?.problem).toMatch(/"\*" is a doveadm user-mask wildcard/);
  });

  it("refuses a personal mailbox whose directory uid is no literal login, naming the directory line", () => {
    const person = good.people.find((p) => p.uid === "mmueller")!;
    const inventory = withUid(good, "mmueller", "mm*");
    const plan = {
      ...inventory.plan,
      waves: inventory.plan.waves.map((w) => ({ ...w, mailboxes: w.mailboxes.map((m) => (m.owner === "mmueller" ? { ...m, owner: "mm*" } : m)) })),
    };
    const [error] = errorsOf(() => resolveBindings({ ...inventory, plan }));
    expect(error?.where).toMatch(new RegExp(`^line ${planLine("maria.mueller@fa-luebeck.example")} `));
    expect(error?.problem).toContain(`the directory uid "mm*" (${good.files.directory} line ${person.line})`);
  });

  it("accepts an AD-style uid with capitals: the login is its lower-case form", () => {
    const inventory = withUid(good, "mmueller", "MMueller");
    const plan = {
      ...inventory.plan,
      waves: inventory.plan.waves.map((w) => ({ ...w, mailboxes: w.mailboxes.map((m) => (m.owner === "mmueller" ? { ...m, owner: "MMueller" } : m)) })),
    };
    expect(resolveBindings({ ...inventory, plan }).map((b) => b.dovecotLogin)).toContain("mmueller");
  });
});
