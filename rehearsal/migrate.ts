// Migration with Dovecot's own tool, run against the target: one `doveadm backup -R` per pairing.
// The source password is kept out of the process list: it sits in a per-run config file (mode
// 0600) that includes the target's dovecot.conf; only the non-secret source login is an argument.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Pairing } from "../core/contract";
import type { DovecotInstance } from "./dovecot-instance";
import { mapLimited } from "./map-limited";
import { writeOwned } from "./run-as";

export interface PairResult {
  readonly pairing: Pairing;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly ms: number;
  /** The doveadm verb as run ("backup -R", "sync -1 -R"); reports say "backup -R" when absent. */
  readonly label?: string;
}

export interface MigrateOptions {
  /** Concurrent doveadm processes (2–4 is what a small host sustains). */
  readonly parallelism?: number;
  /** Called after each pair finished (progress). */
  readonly onPair?: (result: PairResult) => void;
}

export async function migrate(
  source: DovecotInstance,
  target: DovecotInstance,
  pairings: readonly Pairing[],
  options: MigrateOptions = {},
): Promise<PairResult[]> {
  const runConf = writeImapcConf(source, target);
  const parallelism = Math.min(Math.max(options.parallelism ?? 3, 1), 4);
  return mapLimited(pairings, parallelism, async (pairing) => {
    const result = await migrateOne(runConf, pairing);
    options.onPair?.(result);
    return result;
  });
}

/** doveadm config for runs against `target`: its dovecot.conf plus the source (credentials in a 0600 file). */
export function writeImapcConf(source: DovecotInstance, target: DovecotInstance): string {
  const path = join(target.dir, "imapc-run.conf");
  writeOwned(path, [
    `!include ${target.confPath}`,
    "imapc_host = 127.0.0.1",
    `imapc_port = ${source.imapPort}`,
    `imapc_master_user = ${source.masterUser.login}`,
    `imapc_password = ${source.masterUser.password}`,
    "imapc_features = rfc822.size fetch-headers",
    "",
  ].join("\n"));
  return path;
}

function migrateOne(runConf: string, pairing: Pairing): Promise<PairResult> {
  const started = Date.now();
  const args = ["-c", runConf, "-o", `imapc_user=${pairing.sourceLogin}`, "backup", "-R", "-u", pairing.targetLogin, "imapc:"];
  return new Promise((resolve) => {
    const child = spawn("doveadm", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const finish = (exitCode: number | null, extra = "") =>
      resolve({ pairing, ok: exitCode === 0, exitCode, stderr: (stderr + extra).trim(), ms: Date.now() - started });
    child.once("error", (err) => finish(null, err.message));
    child.once("close", (code, signal) => finish(code, signal ? `killed by ${signal}` : ""));
  });
}
