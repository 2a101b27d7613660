// Starts and stops one private Dovecot on loopback. Only processes started here are ever signalled.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { renderDovecotConf } from "./dovecot-conf";
import { freeLoopbackPort, lostPortRace } from "./loopback-port";
import { mkdirOwned, runAccount, writeOwned } from "./run-as";

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
  /** PIDs of the master's current children (for leak checks). */
  childPids(): number[];
  stop(): Promise<void>;
}

const START_ATTEMPTS = 4;

class DovecotStartError extends Error {
  constructor(message: string, readonly lostPortRace: boolean, cause: unknown) {
    super(message, { cause });
  }
}

export async function startDovecot(options: DovecotOptions): Promise<DovecotInstance> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // Another process may bind a port between our probe and Dovecot's listen; pick new ports.
      if (attempt >= START_ATTEMPTS || !(err instanceof DovecotStartError && err.lostPortRace)) throw err;
    }
  }
}

async function startOnce(options: DovecotOptions): Promise<DovecotInstance> {
  const { dir, role } = options;
  mkdirOwned(dir);
  const imapPort = await freeLoopbackPort();
  const lmtpPort = await freeLoopbackPort([imapPort]);
  const paths = { userdb: join(dir, "userdb"), master: join(dir, "master-users"), none: join(dir, "no-passwords") };
  writeOwned(paths.userdb, options.userdbText);
  writeOwned(paths.master, `${options.masterUser.login}:{PLAIN}${options.masterUser.password}\n`);
  writeOwned(paths.none, "");
  const confPath = join(dir, "dovecot.conf");
  const http = options.doveadmHttp ? { port: await freeLoopbackPort([imapPort, lmtpPort]), apiKey: randomBytes(18).toString("hex") } : undefined;
  const instanceName = `oxmig-${role}-${process.pid}-${imapPort}`;
  writeFileSync(confPath, renderDovecotConf({
    instanceName, dir, imapPort, lmtpPort, account: runAccount(), mailCrypt: options.mailCrypt,
    userdbPath: paths.userdb, masterPasswdPath: paths.master, noPasswdPath: paths.none, ...(http ? { doveadmHttp: http } : {}),
  }), { mode: 0o600 });
  const child = spawn("dovecot", ["-F", "-c", confPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`dovecot (${role}) did not start: ${stderr}`);
  try {
    await waitForPorts([imapPort, lmtpPort, ...(http ? [http.port] : [])], exited);
  } catch (err) {
    child.kill("SIGTERM");
    await exited;
    const message = `dovecot (${role}) did not come up: ${(err as Error).message}\n${stderr}${readLog(dir)}`;
    throw new DovecotStartError(message, lostPortRace(stderr), err);
  }
  let stopped: Promise<void> | undefined;
  return {
    role, dir, confPath, imapPort, lmtpPort, pid, masterUser: options.masterUser,
    ...(http ? { doveadmHttp: { url: `http://127.0.0.1:${http.port}/doveadm/v1`, apiKey: http.apiKey } } : {}),
    async replaceUserdb(text: string) {
      await sleep(1100);
      writeOwned(paths.userdb, text);
    },
    childPids: () => childrenOf(pid),
    stop() {
      stopped ??= (async () => {
        const children = childrenOf(pid);
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
        await exited;
        await waitUntilGone(children);
      })();
      return stopped;
    },
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
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/** Child PIDs of `pid`, read from /proc (Linux only, like the rest of the rehearsal). */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** True while a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
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
