// Wave resources as the program declares them (infra/components/wave.ts) for the lifecycle rules:
// the pairing ConfigMap with the real rendered data, the state PersistentVolumeClaim and the Job.
import fs from "node:fs";
import path from "node:path";
import { K8S, TYPES, type Pairing } from "@oxmig/core/contract";
import { stateClaimName } from "@oxmig/core/lifecycle";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";
import type { WavePhase } from "@oxmig/core/model";
import { waveConfigData } from "../../infra/components/wave";
import { renderLock } from "@oxmig/core/lock";
import type { ResourceRecord } from "../fixtures/policies/plan";
import { lockEntries } from "./helpers";
import { policyTempDir } from "./temp-dirs";

export const PAIRINGS: readonly Pairing[] = [
  {
    mailboxId: "0b9a6c1e-1111-4a11-8111-000000000001",
    sourceLogin: "mmueller@corp.example",
    sourceExchangeGuid: "e0000000-0000-4000-8000-000000000001",
    targetLogin: "mmueller",
  },
  {
    mailboxId: "3f25c0de-2222-4a22-8222-000000000002",
    sourceLogin: "jschmidt@corp.example",
    sourceExchangeGuid: "e0000000-0000-4000-8000-000000000002",
    targetLogin: "jschmidt",
  },
];

export interface WaveFixture {
  readonly phase: WavePhase;
  readonly canaries?: boolean;
  readonly phaseRollback?: string;
}

export function waveResources(name: string, wave: WaveFixture): ResourceRecord[] {
  const labels = { [K8S.labelWave]: name, [K8S.labelContext]: "luebeck" };
  const data = waveConfigData({ wave: { name, context: "luebeck", ...wave }, pairings: PAIRINGS, sourceImapHost: "exchange.corp.example" });
  const configMap: ResourceRecord = {
    type: TYPES.configMap,
    name: `pairings-${name}`,
    protect: false,
    props: { metadata: { name: `pairings-${name}`, labels, annotations: { [K8S.annotationPhase]: wave.phase } }, data },
  };
  const claim: ResourceRecord = {
    type: TYPES.persistentVolumeClaim,
    name: stateClaimName(name),
    protect: false,
    props: { metadata: { name: stateClaimName(name), labels } },
  };
  const job: ResourceRecord = {
    type: TYPES.job,
    name: `migrate-${name}`,
    protect: false,
    props: {
      metadata: { name: `migrate-${name}`, labels },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "migrate",
                volumeMounts: [
                  { name: "oxmig", mountPath: MIGRATION_PATHS.dir, readOnly: true },
                  { name: "state", mountPath: MIGRATION_PATHS.stateDir },
                ],
              },
            ],
            volumes: [
              { name: "oxmig", projected: { sources: [] } },
              { name: "state", persistentVolumeClaim: { claimName: stateClaimName(name) } },
            ],
          },
        },
      },
    },
  };
  return wave.phase === "done" ? [configMap, claim] : [configMap, claim, job];
}

/** The ConfigMap data of a wave's records, for edits. */
export function dataOf(records: readonly ResourceRecord[]): Record<string, string> {
  return records.find((r) => r.type === TYPES.configMap)!.props.data;
}

/** Replaces text in the wave's migrate.sh (a hand edit of the rendered script). */
export function editScript(records: readonly ResourceRecord[], from: string | RegExp, to: string): void {
  const data = dataOf(records);
  const next = data["migrate.sh"]!.replace(from, to);
  if (next === data["migrate.sh"]) throw new Error(`script edit ${String(from)} changed nothing`);
  data["migrate.sh"] = next;
}

export function editLifecycle(records: readonly ResourceRecord[], edit: (l: Record<string, unknown>) => void): void {
  const data = dataOf(records);
  const value = JSON.parse(data["lifecycle.json"]!) as Record<string, unknown>;
  edit(value);
  data["lifecycle.json"] = JSON.stringify(value);
}

/** A lock file recording the given wave phases (mailbox entries as the fixture plan's). */
export function writePhaseLock(waves: Record<string, WavePhase>): string {
  const dir = policyTempDir("oxmig-phase-lock-");
  const file = path.join(dir, "bindings.lock.yaml");
  const phases = Object.fromEntries(Object.entries(waves).map(([w, phase]) => [w, { phase }]));
  fs.writeFileSync(file, renderLock({ lockVersion: 1, stack: "staging", waves: phases, mailboxes: lockEntries() }));
  return file;
}
