// Starts and stops one private Dovecot on loopback. Only processes started here are ever signalled
// (and, by reap.ts, masters of a killed run that their record proves to be theirs).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { renderDovecotConf } from "./dovecot-conf";
import { defaultRecordsDir, ownerOfThisProcess, removeAtExit, removeRecord, writeRecord } from "./instance-records";
import { assertMayStart, trackLive } from "./live-instances";
import { freeLoopbackPort, lostPortRace } from "./loopback-port";
import { childrenOf, isRunning, processStartTime } from "./process-info";
import { reapOrphans } from "./reap";
import { mkdirOwned, runAccount, writeOwned } from "./run-as";

export { childrenOf } from "./process-info";

export interface MasterUser {
  readonly login: string;
  /** Secret: never print it. */
  readonly password: string;
}

export interface DovecotOptions {
  readonly role: "source" | "target";
  /** Instance directory (created; handed to the run account). */
  readonly dir: string;
  /** passwd-file userdb; for the target always core/userdb.ts renderUserdb output. */
  readonly userdbText: string;
  readonly mailCrypt: boolean;
  readonly masterUser: MasterUser;
  /** Also listen for the doveadm HTTP API (as a deployed target may); a random API key per run. */
  readonly doveadmHttp?: boolean;
  /** Containment: a deny passdb (core/containment.ts), empty at start; replaceDenyList fills it. */
  readonly denyPassdb?: boolean;
  /** The run's temporary folder holding `dir`: a later run that reaps this instance removes it too. */
  readonly runDir?: string;
  /** Where the instance's record goes (default: instance-records.ts defaultRecordsDir). */
  readonly recordsDir?: string;
}

export interface DoveadmHttpEndpoint {
  readonly url: string;
  /** Secret: never print it. */
  readonly apiKey: string;
}

export interface DovecotInstance {
  readonly role: "source" | "target";
  readonly dir: string;
  readonly confPath: string;
  readonly imapPort: number;
  readonly lmtpPort: number;
  readonly pid: number;
  readonly masterUser: MasterUser;
  readonly doveadmHttp?: DoveadmHttpEndpoint;
  /** Replaces the userdb; waits first, since Dovecot re-reads a passwd-file at most once a second. */
  replaceUserdb(text: string): Promise<void>;
  /** Replaces the deny passdb's list of contained logins (core/containment.ts renderDenyList); needs `denyPassdb`. */
  replaceDenyList(text: string): Promise<void>;
  /**
   * Gives logins a password of their own (passwd-file lines, e.g. `login:{PLAIN}secret`), so a drill can
   * prove a real login is refused while contained; by default nobody has one. Secret: never print it.
   */
  replaceUserPasswords(text: string): Promise<void>;
  /** PIDs of the master's current children (for leak checks). */
  childPids(): number[];
  stop(): Promise<void>;
}

const START_ATTEMPTS = 4;

class DovecotStartError extends Error {
  constructor(
    message: string,
    readonly lostPortRace: boolean,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

const reaped = new Map<string, Promise<unknown>>();

export async function startDovecot(options: DovecotOptions): Promise<DovecotInstance> {
  // Before this process's first start: the Dovecots of runs that were killed go (once per records folder).
  const recordsDir = options.recordsDir ?? defaultRecordsDir();
  if (!reaped.has(recordsDir)) reaped.set(recordsDir, reapOrphans({ recordsDir }));
  await reaped.get(recordsDir);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, recordsDir });
    } catch (err) {
      // Another process may bind a port between our probe and Dovecot's listen; pick new ports.
      if (attempt >= START_ATTEMPTS || !(err instanceof DovecotStartError && err.lostPortRace)) throw err;
    }
  }
}

async function startOnce(options: DovecotOptions & { readonly recordsDir: string }): Promise<DovecotInstance> {
  const { dir, role } = options;
  mkdirOwned(dir);
  const confPath = join(dir, "dovecot.conf");
  // Recorded before any secret is written, again once spawned, and again once stopped: a run killed
  // at any point before it has removed the folder is found.
  const recordName = `${role}-${process.pid}-${randomBytes(6).toString("hex")}`;
  const recordOf = (pid?: number) => ({
    role,
    confPath,
    dir,
    ...(options.runDir ? { runDir: options.runDir } : {}),
    ...ownerOfThisProcess(),
    ...(pid === undefined ? {} : { dovecotPid: pid, dovecotStartTime: processStartTime(pid) ?? "0" }),
  });
  const record = writeRecord(options.recordsDir, recordName, recordOf());
  let prepared: Prepared;
  try {
    prepared = await prepare(options, confPath);
  } catch (err) {
    removeRecord(record); // nothing runs; the folder is the caller's to remove, as after any failed start
    throw err;
  }
  const { imapPort, lmtpPort, http, userdbPath, noPasswdPath, denyPath } = prepared;
  // From here to trackLive all is synchronous: a signal's stopAllDovecots either prevents or sees this start.
  try {
    assertMayStart();
  } catch (err) {
    removeRecord(record);
    throw err;
  }
  const child = spawn("dovecot", ["-F", "-c", confPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) {
    removeRecord(record);
    throw new Error(`dovecot (${role}) did not start: ${stderr}`);
  }
  try {
    writeRecord(options.recordsDir, recordName, recordOf(pid));
  } catch (err) {
    child.kill("SIGKILL"); // just spawned: a SIGTERM could be lost (see stop)
    await exited;
    throw err;
  }
  let stopped: Promise<void> | undefined;
  let startedUp: Promise<unknown> = Promise.resolve();
  const stop = () => {
    stopped ??= (async () => {
      // A SIGTERM in the master's first moments can be lost (seen with Dovecot 2.3.19: it ran on,
      // nothing pending): one that is still starting is signalled once it listens, or has failed.
      await startedUp;
      const children = childrenOf(pid);
      await terminate(child, exited);
      await waitUntilGone(children);
      // No Dovecot any more, but its folder is there until the owner's clean-up: see removeAtExit.
      writeRecord(options.recordsDir, recordName, recordOf());
      removeAtExit(record);
      forget();
    })();
    return stopped;
  };
  // Tracked before it is up: a test that times out during start-up still stops it.
  const forget = trackLive(pid, stop, options.runDir ?? dir);
  // stopAllDovecots (a signal, a test's clean-up) may stop it while it comes up: then it did not start.
  const stoppedWhileStarting = async () => {
    await stop();
    return new Error(`dovecot (${role}) was stopped while starting`);
  };
  const up = waitForPorts([imapPort, lmtpPort, ...(http ? [http.port] : [])], exited);
  startedUp = up.catch(() => undefined);
  try {
    await up;
  } catch (err) {
    if (stopped) throw await stoppedWhileStarting();
    await stop();
    const message = `dovecot (${role}) did not come up: ${(err as Error).message}\n${stderr}${readLog(dir)}`;
    throw new DovecotStartError(message, lostPortRace(stderr), err);
  }
  if (stopped) throw await stoppedWhileStarting();
  return {
    role,
    dir,
    confPath,
    imapPort,
    lmtpPort,
    pid,
    masterUser: options.masterUser,
    ...(http ? { doveadmHttp: { url: `http://127.0.0.1:${http.port}/doveadm/v1`, apiKey: http.apiKey } } : {}),
    replaceUserdb: (text: string) => replacePasswdFile(userdbPath, text),
    replaceDenyList: (text: string) => {
      if (!denyPath) throw new Error(`dovecot (${role}) was started without a deny passdb`);
      return replacePasswdFile(denyPath, text);
    },
    replaceUserPasswords: (text: string) => replacePasswdFile(noPasswdPath, text),
    childPids: () => childrenOf(pid),
    stop,
  };
}

interface Prepared {
  readonly imapPort: number;
  readonly lmtpPort: number;
  readonly http?: { readonly port: number; readonly apiKey: string };
  readonly userdbPath: string;
  readonly noPasswdPath: string;
  readonly denyPath?: string;
}

/** Dovecot re-reads a passwd-file at most once a second (by its mtime): wait first, then write. */
async function replacePasswdFile(path: string, text: string): Promise<void> {
  await sleep(1100);
  writeOwned(path, text);
}

/** Ports, the userdb and master-password files, and dovecot.conf of one instance. */
async function prepare(options: DovecotOptions, confPath: string): Promise<Prepared> {
  const { dir, role } = options;
  const imapPort = await freeLoopbackPort();
  const lmtpPort = await freeLoopbackPort([imapPort]);
  const paths = { userdb: join(dir, "userdb"), master: join(dir, "master-users"), none: join(dir, "no-passwords"), deny: join(dir, "deny-logins") };
  writeOwned(paths.userdb, options.userdbText);
  writeOwned(paths.master, `${options.masterUser.login}:{PLAIN}${options.masterUser.password}\n`);
  writeOwned(paths.none, "");
  if (options.denyPassdb) writeOwned(paths.deny, "");
  const http = options.doveadmHttp ? { port: await freeLoopbackPort([imapPort, lmtpPort]), apiKey: randomBytes(18).toString("hex") } : undefined;
  const instanceName = `oxmig-${role}-${process.pid}-${imapPort}`;
  writeFileSync(
    confPath,
    renderDovecotConf({
      instanceName,
      dir,
      imapPort,
      lmtpPort,
      account: runAccount(),
      mailCrypt: options.mailCrypt,
      userdbPath: paths.userdb,
      masterPasswdPath: paths.master,
      noPasswdPath: paths.none,
      ...(http ? { doveadmHttp: http } : {}),
      ...(options.denyPassdb ? { denyPasswdPath: paths.deny } : {}),
    }),
    { mode: 0o600 },
  );
  return {
    imapPort,
    lmtpPort,
    userdbPath: paths.userdb,
    noPasswdPath: paths.none,
    ...(options.denyPassdb ? { denyPath: paths.deny } : {}),
    ...(http ? { http } : {}),
  };
}

async function waitForPorts(ports: number[], exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (dead) throw new Error("the master process exited");
      if (Date.now() > deadline) throw new Error(`port ${port} not accepting after 10 s`);
      await sleep(50);
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** SIGTERM (the master stops its children), SIGKILL if it has not ended after 10 s. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(kill);
}

/** Waits (up to 10 s) until the processes have ended; a zombie (ended, not yet reaped by init) counts as ended. */
async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (pids.some(isRunning) && Date.now() < deadline) await sleep(50);
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "dovecot.log"), "utf8");
  } catch {
    return "";
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
