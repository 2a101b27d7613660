// Analyze requests for resources as the program declares them, so per-resource policies run on this
// process's core while the program child registers the rest. The engine, too, analyses a resource when
// its step comes, with its inputs; those never change after registration. Batches wait for the pack.
import { appendAll } from "@oxmig/core/append";
import type { PolicyPackClient } from "../engine/analyzer-client";
import type { DeclaredResource, PolicyViolation } from "../engine/types";

export class StreamedAnalysis {
  private readonly known = new Map<string, DeclaredResource>();
  private readonly found: PolicyViolation[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private packReady!: (pack: PolicyPackClient) => void;
  private readonly pack = new Promise<PolicyPackClient>((resolve) => (this.packReady = resolve));
  /** Ms spent in Analyze calls so far. */
  busyMs = 0;
  private analysed = 0;

  /** Queues Analyze for resources just declared (first declarations only). */
  readonly add = (batch: readonly DeclaredResource[]): void => {
    for (const r of batch) this.known.set(r.urn, r);
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      const pack = await this.pack;
      const started = performance.now();
      try {
        appendAll(this.found, await pack.analyze(batch, { known: this.known }));
        this.analysed += batch.length;
      } catch (error) {
        this.failure = { error };
      } finally {
        this.busyMs += performance.now() - started;
      }
    });
  };

  /** The pack is configured: queued batches go now. */
  start(pack: PolicyPackClient): void {
    this.packReady(pack);
  }

  /** Every queued Analyze answered: the violations, or the first error; fails unless all `declared` resources were analysed. */
  async finish(declared: number): Promise<PolicyViolation[]> {
    await this.chain;
    if (this.failure) throw this.failure.error;
    if (this.analysed !== declared) throw new Error(`Only ${this.analysed} of ${declared} declared resources were analysed; the gate cannot give a verdict.`);
    return this.found;
  }
}
