// Progress on stderr: a bar per phase on a terminal, otherwise one line when a phase starts and ends
// (CI logs and captured output stay readable).
import { SingleBar } from "cli-progress";
import type { PhaseProgress } from "../stack-run";

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

export function phaseProgress(stream: ProgressStream): PhaseProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: ProgressStream): PhaseProgress {
  let started = 0;
  let total = 0;
  return {
    start(phase: string, count: number) {
      started = performance.now();
      total = count;
      stream.write(`${phase}: ${count} …\n`);
    },
    tick: () => undefined,
    end(phase: string) {
      stream.write(`${phase}: ${total} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

function barProgress(stream: ProgressStream): PhaseProgress {
  let bar: SingleBar | undefined;
  return {
    start(phase: string, total: number) {
      bar = new SingleBar({
        stream: stream as NodeJS.WritableStream,
        format: `${phase.padEnd(9)} [{bar}] {value}/{total} {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(total, 0);
    },
    tick(count = 1) {
      bar?.increment(count);
    },
    end() {
      bar?.update(bar.getTotal());
      bar?.stop();
      bar = undefined;
    },
  };
}
