// The gate on what the program declared, altered first: mistakes plan.yaml cannot express (two keys
// swapped between people, a hand-edited deny list, a doctored Job) reach the real pack this way.
import { declareStack, gateDeclared, type GateOptions, type GateRun } from "../../../gate/run-gate";
import type { DeclaredResource } from "../../../engine/types";

export async function gateAltered(stack: string, opts: GateOptions, alter: (resources: DeclaredResource[]) => DeclaredResource[]): Promise<GateRun> {
  const declared = await declareStack(stack, opts);
  return gateDeclared(stack, alter([...declared]), opts);
}
