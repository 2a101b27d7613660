// The fixture plan (test/fixtures/policies/plan.ts) with each wave's ConfigMap rendered as the program
// renders it (waveConfigData) and its Job as infra/components/migration-job.ts declares it, for the
// reader and rule of the migration as executed. Helpers edit the script, the command and the items.
import { K8S, TYPES, type Pairing } from "@oxmig/core/contract";
import { pairingDigest } from "@oxmig/core/job-progress";
import type { WavePhase } from "@oxmig/core/model";
import { migrationJobSpec, userdbSecretName } from "../../infra/components/migration-job";
import { waveConfigData } from "../../infra/components/wave";
import { MIGRATION_DEFAULTS, migrationSettingsFrom } from "../../infra/migration-settings";
import { buildResources, FIXTURE_MAILBOXES, type MailboxSpec, type ResourceRecord } from "../fixtures/policies/plan";

export const pairingOfSpec = (m: MailboxSpec): Pairing => ({
  mailboxId: m.id,
  sourceLogin: m.sourceUpn,
  sourceExchangeGuid: m.sourceGuid,
  targetLogin: m.login,
});

/** The migration settings of a stack with every default (image by tag, storage claim, owner 5000). */
export const FIXTURE_MIGRATION = migrationSettingsFrom({ migrationImage: "dovecot/dovecot:2.3.21", ...MIGRATION_DEFAULTS }, "fixture");

/** The Job as infra/components/wave.ts declares it (the very spec function; the fixtures carry no namespace). */
export function renderedJob(wave: string, context: string, pairings: readonly Pairing[], phase: WavePhase = "copying"): ResourceRecord {
  const labels = { [K8S.labelWave]: wave, [K8S.labelContext]: context };
  const spec = migrationJobSpec({
    wave,
    namespace: "fixture",
    labels,
    configMapName: `pairings-${wave}`,
    configHash: "fixture",
    imapcSecretName: "oxmig-imapc-credentials",
    phase,
    pairs: pairings.length,
    pairingDigest: pairingDigest(pairings),
    userdbSecretName: userdbSecretName(context),
    mailRoot: "/var/vmail",
    settings: FIXTURE_MIGRATION,
  });
  const props = structuredClone(spec) as ResourceRecord["props"];
  delete props.metadata.namespace;
  return { type: TYPES.job, name: `migrate-${wave}`, protect: false, parent: `wave-${wave}`, props };
}

export function renderedWave(wave: string, members: readonly MailboxSpec[], phase: WavePhase = "copying"): ResourceRecord[] {
  const context = members[0]!.context;
  const pairings = members.map(pairingOfSpec);
  const data = waveConfigData({ wave: { name: wave, context, phase }, pairings, sourceImapHost: "exchange.corp.example" });
  const metadata = {
    name: `pairings-${wave}`,
    labels: { [K8S.labelWave]: wave, [K8S.labelContext]: context, [K8S.labelRole]: "pairings" },
    annotations: { [K8S.annotationPhase]: phase },
  };
  const configMap: ResourceRecord = { type: TYPES.configMap, name: `pairings-${wave}`, protect: false, parent: `wave-${wave}`, props: { metadata, data } };
  return phase === "done" ? [configMap] : [configMap, renderedJob(wave, context, pairings, phase)];
}

/** The fixture plan with rendered wave ConfigMaps and Jobs (in place of plan.ts's stand-ins). */
export function executedPlan(mailboxes: readonly MailboxSpec[] = FIXTURE_MAILBOXES): ResourceRecord[] {
  const rest = buildResources(mailboxes, { withSecrets: false, protect: false }).filter((r) => r.type !== TYPES.configMap && r.type !== TYPES.job);
  const waves = [...new Set(mailboxes.map((m) => m.wave))];
  return [
    ...rest,
    ...waves.flatMap((w) =>
      renderedWave(
        w,
        mailboxes.filter((m) => m.wave === w),
      ),
    ),
  ];
}

export const configMapOf = (records: readonly ResourceRecord[], wave: string): ResourceRecord =>
  records.find((r) => r.type === TYPES.configMap && r.name === `pairings-${wave}`)!;
export const jobOf = (records: readonly ResourceRecord[], wave: string): ResourceRecord =>
  records.find((r) => r.type === TYPES.job && r.name === `migrate-${wave}`)!;
export const containerOf = (records: readonly ResourceRecord[], wave: string): Record<string, unknown> =>
  jobOf(records, wave).props.spec.template.spec.containers[0];

/** The pair line of a mailbox id in a script (rendered form: `pair '<id>' …`). */
export function pairLineIndex(lines: readonly string[], mailboxId: string): number {
  const i = lines.findIndex((l) => l.startsWith(`pair '${mailboxId}' `));
  if (i < 0) throw new Error(`no pair line for ${mailboxId}`);
  return i;
}

const IMAPC_USER = /-o' 'imapc_user=[^']*'/;

/** Swaps the `-o imapc_user=` of two pair lines (ids and pairings.json stay): each copies the other's source. */
export function crossSources(script: string, idA: string, idB: string): string {
  const lines = script.split("\n");
  const [a, b] = [pairLineIndex(lines, idA), pairLineIndex(lines, idB)];
  const [ua, ub] = [IMAPC_USER.exec(lines[a]!)![0], IMAPC_USER.exec(lines[b]!)![0]];
  lines[a] = lines[a]!.replace(ua, ub);
  lines[b] = lines[b]!.replace(ub, ua);
  return lines.join("\n");
}

/** Adds a second global `-o imapc_user=<login>` right after the first one of a mailbox's pair line. */
export function addSecondSource(script: string, mailboxId: string, login: string): string {
  const lines = script.split("\n");
  const i = pairLineIndex(lines, mailboxId);
  const first = IMAPC_USER.exec(lines[i]!)![0];
  lines[i] = lines[i]!.replace(first, `${first} '-o' 'imapc_user=${login}'`);
  return lines.join("\n");
}

/** The doveadm argv words of a mailbox's pair line (unquoted; the rendered words hold no quotes). */
export function pairArgv(script: string, mailboxId: string): string[] {
  const lines = script.split("\n");
  const words = lines[pairLineIndex(lines, mailboxId)]!.split("' '").map((w) => w.replace(/^pair '|'$/g, ""));
  return words.slice(3);
}
