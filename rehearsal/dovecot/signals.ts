// A rehearsal interrupted by Ctrl-C (SIGINT), a kill (SIGTERM) or a closed terminal or SSH session
// (SIGHUP) stops its Dovecots and removes its temp folder before it ends. SIGKILL cannot be caught:
// reap.ts handles what such a run leaves behind, at the next start.
import { constants } from "node:os";
import { keepRecordsAtExit } from "./instance-records";
import { stopAllDovecots } from "./live-instances";

export const CLEANED_UP_ON = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * On the first of CLEANED_UP_ON: stops every Dovecot this process started, runs `cleanUp`, then exits
 * with 128 + the signal's number (130, 143, 129). While it cleans up, further SIGTERM and SIGHUP are
 * ignored; a second SIGINT ends at once. Returns the function that removes the handlers (for a run
 * that has cleaned up by itself).
 */
export function cleanUpOnSignals(cleanUp: () => Promise<void>): () => void {
  let cleaning = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + constants.signals[signal];
    if (cleaning) {
      if (signal === "SIGINT") {
        keepRecordsAtExit(); // its folders may still be there: the next start removes them
        process.exit(code);
      }
      return;
    }
    cleaning = true;
    // After SIGHUP the terminal is gone: a progress line written to it (EIO) must not end the process
    // before its clean-up, not even through a handler that rethrows what is not EPIPE.
    if (signal === "SIGHUP") {
      for (const stream of [process.stdout, process.stderr]) stream.removeAllListeners("error").on("error", () => undefined);
    }
    // Every Dovecot of this process, also one still starting (the run's own list knows only those up).
    void stopAllDovecots({ shuttingDown: true })
      .then(() => cleanUp())
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  for (const signal of CLEANED_UP_ON) process.on(signal, onSignal);
  return () => {
    if (cleaning) return;
    for (const signal of CLEANED_UP_ON) process.removeListener(signal, onSignal);
  };
}
