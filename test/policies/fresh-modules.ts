// Setup for vitest.policies.config.ts: files share one worker (isolate: false) for speed, but each
// file gets fresh policy modules, so caches in config.ts never carry results from one mutation-test
// run (or one mutant) into another.
import { vi } from "vitest";

vi.resetModules();
