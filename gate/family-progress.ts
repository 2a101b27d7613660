// Progress of a family gate on stderr: one bar over all shard phases on a terminal, otherwise one
// plain line per shard phase (CI logs stay readable).
import { SingleBar } from "cli-progress";

/** Phases each shard reports through runGate's onPhase (inputs, program, policy) plus "done". */
export const PHASES_PER_SHARD = 4;

export interface FamilyProgress {
  phase(shard: string, text: string): void;
  done(shard: string, verdict: string): void;
  stop(): void;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

export function familyProgress(family: string, shards: readonly string[], stream: ProgressStream, quiet = false): FamilyProgress {
  if (quiet) return { phase: () => undefined, done: () => undefined, stop: () => undefined };
  if (!stream.isTTY) {
    return {
      phase: (shard, text) => void stream.write(`gate ${family}/${shard}: ${text}\n`),
      done: (shard, verdict) => void stream.write(`gate ${family}/${shard}: ${verdict}\n`),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: `gate ${family} [{bar}] {value}/{total} phases, {finished}/${shards.length} shards {duration_formatted} {last}`,
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(shards.length * PHASES_PER_SHARD, 0, { finished: 0, last: "" });
  let finished = 0;
  return {
    phase: (shard, text) => bar.increment(1, { last: `${shard}: ${text.slice(0, 40)}` }),
    done: (shard, verdict) => bar.increment(1, { finished: ++finished, last: `${shard}: ${verdict}` }),
    stop: () => bar.stop(),
  };
}
