// Every Dovecot this process has started and not yet stopped, from the moment it is spawned: a test
// that times out, or a run interrupted halfway through provisioning, can still stop them all.
interface Live {
  readonly stop: () => Promise<void>;
  /** The run's (or else the instance's) folder: the clean-up of whoever started it removes it. */
  readonly folder: string;
}

const live = new Map<number, Live>();
let shuttingDown = false;

/** Throws once the process is shutting down; called synchronously right before a spawn. */
export function assertMayStart(): void {
  if (shuttingDown) throw new Error("the rehearsal is shutting down: no further Dovecot is started");
}

/** Registers a just-spawned Dovecot master; returns the function that forgets it once stopped. */
export function trackLive(pid: number, stop: () => Promise<void>, folder: string): () => void {
  live.set(pid, { stop, folder });
  return () => void live.delete(pid);
}

/** PIDs of the Dovecot masters this process has started and not stopped. */
export function liveDovecotPids(): number[] {
  return [...live.keys()];
}

/**
 * Stops every Dovecot this process started (each by its own PID) and returns their folders, which
 * the caller removes when their owner's clean-up will not come. With `shuttingDown` (a signal), no
 * further one may start: a run that carries on during the clean-up cannot spawn one behind it.
 */
export async function stopAllDovecots(options: { readonly shuttingDown?: boolean } = {}): Promise<string[]> {
  if (options.shuttingDown) shuttingDown = true;
  const stopping = [...live.values()];
  await Promise.all(stopping.map(({ stop }) => stop()));
  return [...new Set(stopping.map(({ folder }) => folder))];
}
