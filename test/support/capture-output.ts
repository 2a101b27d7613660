// Captures what a command writes to stdout/stderr and resets process.exitCode around each test.
import { afterEach, beforeEach, vi } from "vitest";

export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

export function captureOutput(): CapturedOutput {
  const out: CapturedOutput = { stdout: "", stderr: "" };
  beforeEach(() => {
    out.stdout = "";
    out.stderr = "";
    process.exitCode = undefined;
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((out.stderr += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return out;
}
