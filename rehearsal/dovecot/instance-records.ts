// One record per running rehearsal Dovecot, in a private per-user folder, so that a later run can
// find and stop the Dovecots of a run that was killed (SIGKILL, OOM, a closed CI job) and remove
// their folders, which hold throwaway key and master passwords. See docs/rehearsal.md.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { UsageError } from "@oxmig/core/errors";
import { processStartTime } from "./process-info";

export interface InstanceRecord {
  readonly role: "source" | "target";
  /** The Dovecot master; absent while it is not running (files being written, or stopped already). */
  readonly dovecotPid?: number;
  readonly dovecotStartTime?: string;
  /** The master was started as `dovecot -F -c <confPath>`: how a reused PID is told apart. */
  readonly confPath: string;
  /** The instance folder (config, userdb, master password, homes with keys). */
  readonly dir: string;
  /** The run's temporary folder holding `dir`, removed with it once the run's Dovecots are stopped. */
  readonly runDir?: string;
  /** The rehearsal process that started it and stops it. */
  readonly ownerPid: number;
  readonly ownerStartTime: string;
}

const recordSchema = z.object({
  role: z.enum(["source", "target"]),
  dovecotPid: z.number().int().positive().optional(),
  dovecotStartTime: z.string().regex(/^\d+$/).optional(),
  confPath: z.string().startsWith("/"),
  dir: z.string().startsWith("/"),
  runDir: z.string().startsWith("/").optional(),
  ownerPid: z.number().int().positive(),
  ownerStartTime: z.string().regex(/^\d+$/),
});

/** `<tmpdir>/oxmig-dovecots-<uid>`: one per user, since a user can only stop their own processes. */
export function defaultRecordsDir(): string {
  return join(tmpdir(), `oxmig-dovecots-${process.getuid?.() ?? "user"}`);
}

/**
 * Creates the folder if needed and makes sure it is ours alone: records decide which processes get
 * signalled and which folders get removed, so one planted by another user must not be read.
 */
export function privateRecordsDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  const problem = !stat.isDirectory()
    ? "is not a folder"
    : uid !== undefined && stat.uid !== uid
      ? `belongs to uid ${stat.uid}, not to you (uid ${uid})`
      : (stat.mode & 0o077) !== 0
        ? `is open to others (mode ${(stat.mode & 0o777).toString(8)})`
        : undefined;
  if (problem) throw new UsageError(`the rehearsal's record folder ${dir} ${problem}; remove it (or set TMPDIR elsewhere) and run again`);
  return dir;
}

let ownStartTime: string | undefined;

/** This process as the owner of the Dovecots it starts. */
export function ownerOfThisProcess(): Pick<InstanceRecord, "ownerPid" | "ownerStartTime"> {
  ownStartTime ??= processStartTime(process.pid) ?? "0";
  return { ownerPid: process.pid, ownerStartTime: ownStartTime };
}

/** Writes the record atomically; returns its path (removeRecord takes it). */
export function writeRecord(recordsDir: string, name: string, record: InstanceRecord): string {
  const path = join(privateRecordsDir(recordsDir), `${name}.json`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

export function removeRecord(path: string): void {
  rmSync(path, { force: true });
  atExit.delete(path);
}

/** Records of stopped instances, whose folders the owner removes (or keeps) in its own clean-up. */
const atExit = new Set<string>();
let exitHook = false;
let dropAtExit = true;

/**
 * Removes the record when this process exits, not before: killed between stopping its Dovecot and
 * removing its folder, the record is still there for reap.ts to remove the folder.
 */
export function removeAtExit(path: string): void {
  if (!exitHook) process.once("exit", () => dropAtExit && atExit.forEach((p) => rmSync(p, { force: true })));
  exitHook = true;
  atExit.add(path);
}

/**
 * Removes now the records left for exit whose Dovecot's folder is already gone: nothing is left for
 * reap.ts to remove. A test worker can end without running exit hooks, so test clean-up calls this.
 */
export function dropSettledRecords(): void {
  for (const path of atExit) {
    const read = readRecord(path);
    if ("record" in read && existsSync(read.record.dir)) continue;
    removeRecord(path);
  }
}

/** For an exit that cuts the clean-up short (a second Ctrl-C): the records stay for reap.ts. */
export function keepRecordsAtExit(): void {
  dropAtExit = false;
}

export type ReadRecord = { readonly path: string } & ({ readonly record: InstanceRecord } | { readonly unreadable: string });

/** Every record in the folder; a damaged one is returned as unreadable rather than trusted. */
export function readRecords(recordsDir: string): ReadRecord[] {
  const dir = privateRecordsDir(recordsDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => readRecord(join(dir, f)));
}

/** One record, checked against the schema; a damaged one is unreadable rather than trusted. */
function readRecord(path: string): ReadRecord {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? { path, record: parsed.data as InstanceRecord } : { path, unreadable: parsed.error.issues[0]?.message ?? "invalid" };
  } catch (err) {
    return { path, unreadable: (err as Error).message };
  }
}
