// `oxmig status` against a fake Kubernetes API on loopback (no cluster runs here): Job objects as the
// API serves them (batch/v1 status: completedIndexes/failedIndexes interval strings, active, conditions),
// read with a kubeconfig through @kubernetes/client-node, failed indexes named as the people they are.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { statusCommand, type StatusReport } from "../../cli/commands/status";
import { K8S } from "@oxmig/core/contract";
import { InputError, UsageError } from "@oxmig/core/errors";
import { pairingDigest } from "@oxmig/core/job-progress";
import { pairingOf } from "@oxmig/core/pairings";
import { migrationJobSpec } from "../../infra/components/migration-job";
import { FIXTURE_MIGRATION } from "../policies/executed-migration-fixtures";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api";
import { capture, makeStackFixture, setWavePhase, STACK, WAVE, type StackFixture } from "../rehearsal/stack-fixture";

let api: FakeKubeApi;
let fixture: StackFixture;
let kubeconfig: string;
const dirs: string[] = [];

beforeAll(async () => {
  api = await startFakeKubeApi();
  fixture = makeStackFixture({ namespace: "mig" });
  dirs.push(fixture.cwd);
  kubeconfig = api.writeKubeconfig(fixture.cwd);
});
afterAll(async () => {
  await api.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  api.jobs.clear();
  api.requests.length = 0;
});

const pairs = () => fixture.bindings.map(pairingOf);

/** The wave's Job as the program declares it, with a status as the Job controller writes it. */
function serveJob(status: Record<string, unknown>, over: { digest?: string } = {}): void {
  const spec = migrationJobSpec({
    wave: WAVE,
    namespace: "mig",
    labels: { [K8S.labelWave]: WAVE },
    configMapName: `pairings-${WAVE}`,
    configHash: "h",
    imapcSecretName: "imapc",
    phase: "copying",
    pairs: pairs().length,
    pairingDigest: over.digest ?? pairingDigest(pairs()),
    userdbSecretName: "userdb-im",
    mailRoot: "/var/vmail",
    settings: FIXTURE_MIGRATION,
  });
  api.jobs.set(`mig/migrate-${WAVE}`, {
    apiVersion: "batch/v1",
    kind: "Job",
    ...structuredClone(spec),
    status: { startTime: "2025-03-01T22:00:00Z", uncountedTerminatedPods: {}, ...status },
  });
}

async function status(extra: { format?: "json"; kubeconfig?: string; wave?: string[] } = {}) {
  const stdout = capture();
  const stderr = capture();
  const code = await statusCommand({
    stack: STACK,
    cwd: fixture.cwd,
    kubeconfig: extra.kubeconfig ?? kubeconfig,
    stdout,
    stderr,
    ...(extra.format ? { format: extra.format } : {}),
    ...(extra.wave ? { wave: extra.wave } : {}),
  });
  return { code, out: stdout.text(), err: stderr.text() };
}

const personal = () => fixture.bindings.findIndex((b) => b.kind === "personal" && b.owner !== undefined);

describe("oxmig status", () => {
  it("names a failed mailbox as its person, counts done, running and left, and exits 1", async () => {
    const failed = personal();
    const done = fixture.bindings.map((_, i) => i).filter((i) => i !== failed && i !== fixture.bindings.length - 1);
    serveJob({
      active: 1,
      ready: 1,
      succeeded: done.length,
      failed: 3,
      completedIndexes: done.join(","),
      failedIndexes: String(failed),
      conditions: [{ type: "FailureTarget", status: "True", reason: "FailedIndexes", message: "Job has failed indexes" }],
    });
    const { code, out } = await status();
    const b = fixture.bindings[failed]!;
    expect(code).toBe(1);
    expect(out).toContain(
      `wave ${WAVE} (copying), Job migrate-${WAVE}: ${done.length} done, 1 running, 1 failed, 1 left of ${fixture.bindings.length} [FailureTarget: FailedIndexes]`,
    );
    expect(out).toContain(`  FAILED index ${failed}: ${b.owner!.displayName} <`);
    expect(out).toContain(`(${b.owner!.uid}, ${b.owner!.ou}, id ${b.mailboxId})`);
    expect(out).toContain(`→ target login ${b.dovecotLogin}`);
    expect(api.requests).toEqual([{ method: "GET", path: `/apis/batch/v1/namespaces/mig/jobs/migrate-${WAVE}`, authorized: true }]);
  });

  it("JSON: the same, with the failed mailbox's owner and logins", async () => {
    const failed = personal();
    serveJob({
      failed: 3,
      failedIndexes: String(failed),
      completedIndexes: "",
      conditions: [{ type: "Failed", status: "True", reason: "MaxFailedIndexesExceeded" }],
    });
    const { code, out } = await status({ format: "json" });
    const report = JSON.parse(out) as StatusReport;
    const b = fixture.bindings[failed]!;
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.waves[0]).toMatchObject({
      wave: WAVE,
      found: true,
      failed: [failed],
      done: [],
      left: fixture.bindings.length - 1,
      conditions: [{ type: "Failed", reason: "MaxFailedIndexesExceeded" }],
    });
    expect(report.waves[0]!.failedMailboxes).toEqual([
      expect.objectContaining({
        index: failed,
        mailboxId: b.mailboxId,
        sourceLogin: b.source.login,
        targetLogin: b.dovecotLogin,
        owner: { uid: b.owner!.uid, displayName: b.owner!.displayName, organisation: b.owner!.ou },
      }),
    ]);
  });

  it("a complete Job: exit 0", async () => {
    serveJob({
      succeeded: fixture.bindings.length,
      completedIndexes: `0-${fixture.bindings.length - 1}`,
      completionTime: "2025-03-02T03:00:00Z",
      conditions: [
        { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached" },
        { type: "Complete", status: "True", reason: "CompletionsReached" },
      ],
    });
    const { code, out } = await status();
    expect(code).toBe(0);
    expect(out).toContain(`${fixture.bindings.length} done, 0 running, 0 failed, 0 left`);
    expect(out).toContain("OK: nothing failed");
  });

  it("no Job in the cluster yet (404): everything left, nothing failed", async () => {
    const { code, out } = await status();
    expect(code).toBe(0);
    expect(out).toContain(
      `no Job migrate-${WAVE} in the cluster yet (not deployed, or deleted): ${fixture.bindings.length} of ${fixture.bindings.length} left`,
    );
  });

  it("a Job made from another table: failed indexes are not named by the plan, and the wave is not fine", async () => {
    serveJob({ failedIndexes: "0" }, { digest: pairingDigest([...pairs()].reverse()) });
    const { code, out } = await status();
    expect(code).toBe(1);
    expect(out).toContain("FAILED index 0: index 0 (the Job's table is not the plan's");
    expect(out).toContain("was made from another pairing table");
  });

  it("a wave at done has no Job to ask about", async () => {
    const own = makeStackFixture({ namespace: "mig" });
    dirs.push(own.cwd);
    setWavePhase(own.cwd, "done");
    const stdout = capture();
    expect(await statusCommand({ stack: STACK, cwd: own.cwd, kubeconfig, stdout })).toBe(0);
    expect(stdout.text()).toContain(`wave ${WAVE} (done): done, no Job`);
  });

  it("an API that refuses the credentials: exit 1, the answer named, the token never shown", async () => {
    const wrong = mkdtempSync(join(tmpdir(), "oxmig-status-"));
    dirs.push(wrong);
    const { code, out, err } = await status({ kubeconfig: api.writeKubeconfig(wrong, "not-the-token") });
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/^oxmig status: https:\/\/127\.0\.0\.1:\d+ answered HTTP 401 for Job mig\/migrate-w01-im/);
    expect(err).not.toContain("not-the-token");
    expect(api.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("bad input: a kubeconfig that cannot be read, an unknown context or wave (exit 2, nothing asked)", async () => {
    const bad = join(fixture.cwd, "broken-kubeconfig");
    writeFileSync(bad, "users:\n- name: x\n  user: {token: secret-token-1234\n");
    const error = await status({ kubeconfig: bad }).then(
      () => undefined,
      (e: unknown) => e as InputError,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/^.*broken-kubeconfig: cannot read the kubeconfig: .* \(line \d+\)$/);
    expect(error!.message).not.toContain("secret-token-1234");
    await expect(status({ kubeconfig: join(fixture.cwd, "missing") })).rejects.toThrow(/cannot read the kubeconfig/);
    await expect(statusCommand({ stack: STACK, cwd: fixture.cwd, kubeconfig, context: "elsewhere", stdout: capture() })).rejects.toThrow(
      /has no context "elsewhere" \(contexts: fake\)/,
    );
    await expect(status({ wave: ["w99"] })).rejects.toThrow(UsageError);
    expect(api.requests).toEqual([]);
    const cwd = process.cwd();
    process.chdir(fixture.cwd);
    try {
      expect(await main(["status", "--stack", STACK, "--kubeconfig", bad])).toBe(2);
    } finally {
      process.chdir(cwd);
    }
  });
});
