// What /proc says about a process (Linux only, like the rest of the rehearsal). A PID alone names
// no process for long: it is reused, so callers compare the start time and the command line too.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/** The fields of /proc/<pid>/stat after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat); fixed from fork to exit. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** True while the process exists and has not ended: a zombie waiting for its parent counts as gone. */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== "Z" && state !== "X";
}

/** True when `pid` is still the very process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: string): boolean {
  return isRunning(pid) && processStartTime(pid) === startTime;
}

/** The argument vector of a process, or undefined when it is gone (or a zombie, whose is empty). */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw ? raw.replace(/\0$/, "").split("\0") : undefined;
  } catch {
    return undefined;
  }
}

/** True for a Dovecot master (`dovecot -F -c <config>`), as the rehearsal starts them. */
export function isDovecotMaster(pid: number, confPath?: string): boolean {
  const argv = processArgv(pid) ?? [];
  const config = argv.findIndex((arg, i) => argv[i - 1] === "-c" && (confPath === undefined || arg === confPath));
  return basename(argv[0] ?? "") === "dovecot" && config > 0;
}

/** Child PIDs of `pid`. */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (ppid === pid) found.push(Number(entry));
  }
  return found;
}
