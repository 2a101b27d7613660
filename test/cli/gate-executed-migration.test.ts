// The migration as executed, end to end: the real program under mocks, then edits to what it declared
// that leave pairings.json correct — crossed pair lines, a second `-o imapc_user=`, an inline Job
// command, a script remapped by ConfigMap items — each rejected by migration-moves-own-mail by name.
import { describe, expect, it } from "vitest";
import { K8S, TYPES, USER_ATTRIBUTES, type Pairing } from "@oxmig/core/contract";
import { shellQuote } from "@oxmig/core/migration-script";
import { runGate } from "../../gate/run-gate";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { addSecondSource, crossSources, pairArgv } from "../policies/executed-migration-fixtures";
import { ROOT } from "./support/inventory-mistakes";
import { gateAltered } from "./support/altered-gate";

const RULE = "migration-moves-own-mail";
const WAVES = { crossed: "w01-fa-luebeck", secondSource: "w01-im", inline: "w01-fa-kiel", remapped: "w01-lkn" } as const;

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- declared props, edited freely
const withProps = (r: DeclaredResource, edit: (props: Props) => void): DeclaredResource => {
  const [inputs, outputs] = [structuredClone(r.inputs), structuredClone(r.outputs)];
  edit(inputs);
  edit(outputs);
  return { ...r, inputs, outputs };
};

const configMapOf = (rs: readonly DeclaredResource[], wave: string) => rs.find((r) => r.type === TYPES.configMap && r.name === `pairings-${wave}`)!;
const pairingsOf = (rs: readonly DeclaredResource[], wave: string) =>
  JSON.parse((configMapOf(rs, wave).inputs as Props).data[K8S.pairingsDataKey]) as Pairing[];
/** The OX user's primary address for a mailbox id (how the gate names mailboxes). */
const addressOf = (rs: readonly DeclaredResource[], id: string) =>
  (rs.find((r) => r.type === TYPES.oxUser && (r.inputs as Props).userAttributes[USER_ATTRIBUTES.mailboxId] === id)!.inputs as Props).primaryEmail as string;

interface Expected {
  readonly wave: string;
  /** Named with `text` (the wrong source, or the inline run). */
  readonly mailboxes: string[];
  readonly text: RegExp;
  /** Also named, as copied by a Job that is not the rendered migration. */
  readonly unchecked?: string[];
}

function mistakes(rs: DeclaredResource[], expected: Expected[]): DeclaredResource[] {
  const [a, b] = pairingsOf(rs, WAVES.crossed);
  const [c, d] = pairingsOf(rs, WAVES.secondSource);
  const [e] = pairingsOf(rs, WAVES.inline);
  const [f, g] = pairingsOf(rs, WAVES.remapped);
  expected.push(
    { wave: WAVES.crossed, mailboxes: [a!, b!].map((p) => addressOf(rs, p.mailboxId)), text: /copies source imapc_user/ },
    { wave: WAVES.secondSource, mailboxes: [addressOf(rs, c!.mailboxId)], text: new RegExp(`imapc_user "${d!.sourceLogin}"`) },
    { wave: WAVES.inline, mailboxes: [addressOf(rs, e!.mailboxId)], text: /inline command .*not exactly the rendered migration/ },
    {
      wave: WAVES.remapped,
      mailboxes: [f!, g!].map((p) => addressOf(rs, p.mailboxId)),
      text: /key fixed\.sh line .*copies source imapc_user/,
      unchecked: pairingsOf(rs, WAVES.remapped).map((p) => addressOf(rs, p.mailboxId)),
    },
  );
  return rs.map((r) => {
    if (r === configMapOf(rs, WAVES.crossed))
      return withProps(r, (p) => void (p.data["migrate.sh"] = crossSources(p.data["migrate.sh"], a!.mailboxId, b!.mailboxId)));
    if (r === configMapOf(rs, WAVES.secondSource))
      return withProps(r, (p) => void (p.data["migrate.sh"] = addSecondSource(p.data["migrate.sh"], c!.mailboxId, d!.sourceLogin)));
    if (r === configMapOf(rs, WAVES.remapped))
      return withProps(r, (p) => void (p.data["fixed.sh"] = crossSources(p.data["migrate.sh"], f!.mailboxId, g!.mailboxId)));
    if (r.type === TYPES.job && r.name === `migrate-${WAVES.inline}`) {
      // The wave's own, correct line for its first mailbox, but run inline: the lifecycle rules never read it.
      const line = pairArgv((configMapOf(rs, WAVES.inline).inputs as Props).data["migrate.sh"], e!.mailboxId)
        .map(shellQuote)
        .join(" ");
      return withProps(r, (p) => void (p.spec.template.spec.containers[0].command = ["/bin/sh", "-c", line]));
    }
    if (r.type === TYPES.job && r.name === `migrate-${WAVES.remapped}`) {
      const items = ["fixed.sh:migrate.sh", "doveadm.conf:doveadm.conf", "pairings.json:pairings.json", "lifecycle.json:lifecycle.json"].map((s) => ({
        key: s.split(":")[0],
        path: s.split(":")[1],
      }));
      return withProps(r, (p) => void (p.spec.template.spec.volumes[0].projected.sources[0].configMap.items = items));
    }
    return r;
  });
}

const ours = (vs: readonly GateViolation[]) => vs.filter((v) => v.policy === RULE && isBlocking(v));

describe("the migration as executed through the gate", () => {
  it("the bundled staging inventory passes", async () => {
    const { result } = await runGate("staging", { root: ROOT });
    expect(result.violations.filter(isBlocking)).toEqual([]);
  }, 120_000);

  it("crossed lines, a second imapc_user, an inline command and a remapped script are each rejected by name", async () => {
    const expected: Expected[] = [];
    const { result } = await gateAltered("staging", { root: ROOT }, (rs) => mistakes(rs, expected));
    const found = ours(result.violations);
    for (const e of expected) {
      for (const mailbox of e.mailboxes) {
        const hits = found.filter((v) => v.mailbox === mailbox).map((v) => v.message);
        expect(
          hits.some((m) => e.text.test(m)),
          `${e.wave}: ${mailbox}\n${hits.join("\n")}`,
        ).toBe(true);
      }
    }
    const named = new Set(found.flatMap((v) => (v.mailbox ? [v.mailbox] : [])));
    expect([...named].sort()).toEqual([...new Set(expected.flatMap((e) => [...e.mailboxes, ...(e.unchecked ?? [])]))].sort());
    for (const mailbox of expected.flatMap((e) => e.unchecked ?? [])) {
      expect(
        found.some((v) => v.mailbox === mailbox && v.message.includes("not exactly the rendered migration")),
        mailbox,
      ).toBe(true);
    }
    const jobs = found.filter((v) => v.mailbox === undefined).map((v) => v.message);
    expect(jobs.some((m) => m.includes(`Job migrate-${WAVES.inline}`) && m.includes("/bin/sh -c"))).toBe(true);
    expect(jobs.some((m) => m.includes(`Job migrate-${WAVES.remapped}`) && m.includes(`key fixed.sh of ConfigMap pairings-${WAVES.remapped}`))).toBe(true);
  }, 120_000);
});
