import { describe, expect, it } from "vitest";
import { K8S, TYPES } from "@oxmig/core/contract";
import { checkable, lifecycleStack, waveMessage, type WaveLifecycleView } from "../../../policies/support/lifecycle";
import type { ResourceLike } from "../../../policies/support/resources";
import type { ResourceRecord } from "../../fixtures/policies/plan";
import { UNKNOWN_STRING } from "../helpers";
import { dataOf, editLifecycle, waveResources } from "../lifecycle-fixtures";

const like = (records: readonly ResourceRecord[]): ResourceLike[] =>
  records.map((r) => ({ type: r.type, urn: `urn:${r.name}`, name: r.name, props: r.props, opts: { protect: r.protect } }));
const viewOf = (records: readonly ResourceRecord[]) => lifecycleStack(like(records)).waves[0]!;
const byType = (records: readonly ResourceRecord[], type: string) => records.find((r) => r.type === type)!;
const podSpec = (records: readonly ResourceRecord[]) => byType(records, TYPES.job).props.spec.template.spec;
const STATE_MOUNT = { claimName: "migration-state-w01", mountPath: "/var/lib/oxmig/state", readOnly: false };

describe("lifecycle view of a wave", () => {
  it("the rendered wave read back wrongly", () => {
    const view = viewOf(waveResources("w01", { phase: "cut-over" }));
    expect(view).toMatchObject({ wave: "w01", urn: "urn:pairings-w01", resourceName: "pairings-w01", phase: "cut-over", problems: [] });
    expect(view.lifecycle).toEqual({ phase: "cut-over", mode: "sync-reverse-stateful", stateVolume: "migration-state-w01", canaries: true });
    expect(view.script!.problems).toEqual([]);
    expect(view.script!.commands.map((c) => c.needsState)).toEqual([true, true]);
    expect(view.jobs).toEqual([{ name: "migrate-w01", urn: "urn:migrate-w01", claimMounts: [STATE_MOUNT] }]);
    expect([...lifecycleStack(like(waveResources("w01", { phase: "cut-over" }))).claims]).toEqual(["migration-state-w01"]);
  });

  it("wave and claim names taken from the resource name only when labels and metadata.name are absent", () => {
    const records = waveResources("w01", { phase: "copying" });
    for (const r of records) delete r.props.metadata.labels;
    delete byType(records, TYPES.persistentVolumeClaim).props.metadata.name;
    const stack = lifecycleStack(like(records));
    expect(stack.waves.map((w) => [w.wave, w.jobs.map((j) => j.name)])).toEqual([["w01", ["migrate-w01"]]]);
    expect([...stack.claims]).toEqual(["migration-state-w01"]);
  });

  it("labels and metadata.name win over resource names, unknown labels do not", () => {
    const records = waveResources("w01", { phase: "copying" });
    for (const r of records) r.name = `${r.name}-renamed`;
    byType(records, TYPES.persistentVolumeClaim).props.metadata.name = "state-by-metadata";
    const stack = lifecycleStack(like(records));
    expect(stack.waves.map((w) => [w.wave, w.jobs.map((j) => j.name)])).toEqual([["w01", ["migrate-w01-renamed"]]]);
    expect([...stack.claims]).toEqual(["state-by-metadata"]);
    const unknown = waveResources("w01", { phase: "copying" });
    for (const r of unknown) r.props.metadata.labels[K8S.labelWave] = UNKNOWN_STRING;
    byType(unknown, TYPES.persistentVolumeClaim).props.metadata.name = UNKNOWN_STRING;
    const fallback = lifecycleStack(like(unknown));
    expect(fallback.waves.map((w) => [w.wave, w.jobs.length])).toEqual([["w01", 1]]);
    expect([...fallback.claims]).toEqual(["migration-state-w01"]);
    for (const r of unknown) r.props.metadata.labels[K8S.labelWave] = 1;
    expect(lifecycleStack(like(unknown)).waves.map((w) => [w.wave, w.jobs.length])).toEqual([["w01", 1]]);
  });

  it("only a leading pairings-/migrate- is cut from an unlabelled resource name", () => {
    const records = waveResources("w01", { phase: "copying" });
    for (const r of records) delete r.props.metadata.labels;
    records[0]!.name = "my-pairings-w01";
    byType(records, TYPES.job).name = "my-migrate-w01";
    expect(lifecycleStack(like(records)).waves.map((w) => [w.wave, w.jobs.map((j) => j.name)])).toEqual([["my-pairings-w01", []]]);
  });

  it("a Job of another wave counted for this one, or a wave without Jobs", () => {
    const records = [...waveResources("w01", { phase: "done" }), byType(waveResources("w02", { phase: "copying" }), TYPES.job)];
    expect(viewOf(records).jobs).toEqual([]);
  });

  it("claim mounts: only named PVC volumes, mounted with a path, readOnly only when true", () => {
    const records = waveResources("w01", { phase: "copying" });
    const spec = podSpec(records);
    spec.volumes.push(
      { persistentVolumeClaim: { claimName: "nameless" } },
      { name: "emptyclaim", emptyDir: {} },
      { name: "other", persistentVolumeClaim: { claimName: "other-claim" } },
    );
    spec.containers[0].volumeMounts.push(
      { name: "emptyclaim", mountPath: "/x" },
      { name: "other" },
      { name: "other", mountPath: "/ro", readOnly: true },
      { name: "state", mountPath: "/again", readOnly: "true" },
      { mountPath: "/no-name" },
    );
    spec.containers.push({ name: "sidecar" }, { name: "second", volumeMounts: [{ name: "state", mountPath: "/second" }] });
    expect(viewOf(records).jobs[0]!.claimMounts).toEqual([
      STATE_MOUNT,
      { claimName: "other-claim", mountPath: "/ro", readOnly: true },
      { claimName: "migration-state-w01", mountPath: "/again", readOnly: false },
      { claimName: "migration-state-w01", mountPath: "/second", readOnly: false },
    ]);
  });

  it("a Job without volumes or containers has no claim mounts", () => {
    const records = waveResources("w01", { phase: "copying" });
    delete podSpec(records).volumes;
    expect(viewOf(records).jobs[0]!.claimMounts).toEqual([]);
    delete podSpec(records).containers;
    expect(viewOf(records).jobs[0]!.claimMounts).toEqual([]);
  });
});

describe("lifecycle problems of a wave", () => {
  const problemsAfter = (edit: (records: ResourceRecord[]) => void, phase: "copying" | "cut-over" = "copying") => {
    const records = waveResources("w01", { phase });
    edit(records);
    return viewOf(records).problems;
  };

  it("lifecycle.json missing, not JSON, null or lacking a field", () => {
    expect(problemsAfter((r) => void delete dataOf(r)["lifecycle.json"])).toEqual(['data["lifecycle.json"] is missing']);
    expect(problemsAfter((r) => void (dataOf(r)["lifecycle.json"] = "{phase"))[0]).toMatch(/^data\["lifecycle\.json"\] is not valid JSON \(.+\)$/);
    const lacks = 'data["lifecycle.json"] lacks phase, mode or canaries';
    expect(problemsAfter((r) => void (dataOf(r)["lifecycle.json"] = "null"))).toEqual([lacks]);
    expect(problemsAfter((r) => editLifecycle(r, (l) => void (l.phase = "finished")))).toEqual([lacks]);
    expect(problemsAfter((r) => editLifecycle(r, (l) => void (l.canaries = "false")))).toEqual([lacks]);
    expect(problemsAfter((r) => editLifecycle(r, (l) => void delete l.mode))).toEqual([lacks]);
  });

  it("phase annotation missing, not a phase or contradicting lifecycle.json", () => {
    expect(problemsAfter((r) => void delete r[0]!.props.metadata.annotations[K8S.annotationPhase])).toEqual([
      `annotation ${K8S.annotationPhase} is null, not a phase`,
    ]);
    expect(problemsAfter((r) => void (r[0]!.props.metadata.annotations[K8S.annotationPhase] = "later"))).toEqual([
      `annotation ${K8S.annotationPhase} is "later", not a phase`,
    ]);
    expect(problemsAfter((r) => void (r[0]!.props.metadata.annotations[K8S.annotationPhase] = "cut-over"))).toEqual([
      `annotation ${K8S.annotationPhase} says cut-over but lifecycle.json says copying`,
    ]);
  });

  it("unknown data or annotations at preview", () => {
    expect(problemsAfter((r) => void (dataOf(r)["pairings.json"] = UNKNOWN_STRING))).toEqual([
      "data.pairings.json unknown at preview; the lifecycle must be known",
    ]);
    const problems = problemsAfter((r) => void (r[0]!.props.metadata.annotations[K8S.annotationPhase] = UNKNOWN_STRING));
    expect(problems[0]).toBe(`metadata.annotations.${K8S.annotationPhase} unknown at preview; the lifecycle must be known`);
    const both = problemsAfter((r) => void (dataOf(r)["pairings.json"] = dataOf(r)["doveadm.conf"] = UNKNOWN_STRING));
    expect(both).toEqual(["data.pairings.json, data.doveadm.conf unknown at preview; the lifecycle must be known"]);
  });

  it("migrate.sh missing, unknown or not a string", () => {
    const missing = 'data["migrate.sh"] is missing';
    expect(problemsAfter((r) => void delete dataOf(r)["migrate.sh"])).toEqual([missing]);
    expect(problemsAfter((r) => void ((dataOf(r) as Record<string, unknown>)["migrate.sh"] = 42))).toEqual([missing]);
    expect(problemsAfter((r) => void (dataOf(r)["migrate.sh"] = UNKNOWN_STRING))).toEqual([
      "data.migrate.sh unknown at preview; the lifecycle must be known",
      missing,
    ]);
  });

  it("the lower of annotated and declared phase is the one that could still run", () => {
    const phaseWith = (annotated: string | undefined, declared: string) => {
      const records = waveResources("w01", { phase: "copying" });
      if (annotated === undefined) delete records[0]!.props.metadata.annotations[K8S.annotationPhase];
      else records[0]!.props.metadata.annotations[K8S.annotationPhase] = annotated;
      editLifecycle(records, (l) => void (l.phase = declared));
      return viewOf(records).phase;
    };
    expect(phaseWith("cut-over", "copying")).toBe("copying");
    expect(phaseWith("copying", "done")).toBe("copying");
    expect(phaseWith("done", "cut-over")).toBe("cut-over");
    expect(phaseWith(undefined, "cut-over")).toBe("cut-over");
    expect(phaseWith("done", "finished")).toBe("done");
  });

  it("without any phase the script is not read", () => {
    const records = waveResources("w01", { phase: "copying" });
    delete records[0]!.props.metadata.annotations[K8S.annotationPhase];
    delete dataOf(records)["lifecycle.json"];
    const view = viewOf(records);
    expect(view.phase).toBeUndefined();
    expect(view.script).toBeUndefined();
    expect(view.lifecycle).toBeUndefined();
  });
});

describe("checkable", () => {
  const base = viewOf(waveResources("w01", { phase: "copying" }));
  const check = (view: WaveLifecycleView, needsScript?: boolean) => {
    const messages: string[] = [];
    const urns = new Set<string | undefined>();
    const ok = checkable("some-rule", view, (m, urn) => void (messages.push(m), urns.add(urn)), needsScript);
    return { ok, messages, urns: [...urns] };
  };

  it("a sound wave is checkable and reports nothing", () => {
    expect(check(base)).toEqual({ ok: true, messages: [], urns: [] });
    expect(check(base, false)).toEqual({ ok: true, messages: [], urns: [] });
  });

  it("view problems block every rule, each reported with wave and rule", () => {
    expect(check({ ...base, problems: ["p1", "p2"] }, false)).toEqual({
      ok: false,
      messages: [
        "wave w01 (rule some-rule): cannot check the lifecycle, so the plan is rejected: p1",
        "wave w01 (rule some-rule): cannot check the lifecycle, so the plan is rejected: p2",
      ],
      urns: ["urn:pairings-w01"],
    });
  });

  it("script problems block only rules that read the script", () => {
    const edited = { ...base, script: { commands: base.script!.commands, problems: ["line 3 differs"] } };
    expect(check(edited)).toEqual({
      ok: false,
      messages: ["wave w01 (rule some-rule): migrate.sh is not the rendered script: line 3 differs"],
      urns: ["urn:pairings-w01"],
    });
    expect(check(edited, false)).toEqual({ ok: true, messages: [], urns: [] });
  });

  it("a wave without a read script is not checkable where the script matters", () => {
    const { script: _script, ...noScript } = base;
    expect(check(noScript)).toEqual({ ok: false, messages: [], urns: [] });
    expect(check(noScript, false)).toEqual({ ok: true, messages: [], urns: [] });
  });

  it("messages name wave and rule", () => {
    expect(waveMessage("r1", "w07", "text")).toBe("wave w07 (rule r1): text");
  });
});
