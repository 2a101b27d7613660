// Human mistakes applied to a copy of an inventory, by editing plan.yaml as text (line numbers of
// untouched rows stay put), and to the declared resources (mistakes plan.yaml cannot express).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TYPES, K8S, type UserdbIndexEntry } from "@oxmig/core/contract";
import type { DeclaredResource } from "../../../engine/types";

export const ROOT = path.resolve(__dirname, "../../..");
export const STAGING = path.join(ROOT, "inventory", "staging");

/** A fresh copy of inventory/staging (lock included) in a temp dir. */
export function copyStaging(prefix = "oxmig-incident-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of fs.readdirSync(STAGING)) fs.copyFileSync(path.join(STAGING, f), path.join(dir, f));
  return dir;
}

export class PlanText {
  readonly lines: string[];
  constructor(readonly file: string) {
    this.lines = fs.readFileSync(file, "utf8").split("\n");
  }

  save(): void {
    fs.writeFileSync(this.file, this.lines.join("\n"));
  }

  /** 0-based indexes of the `owner:` lines of one wave, in plan order. */
  ownerRows(wave: string): number[] {
    const start = this.lines.findIndex((l) => l.trim() === `- name: ${wave}`);
    if (start < 0) throw new Error(`wave ${wave} not in ${this.file}`);
    const rows: number[] = [];
    for (let i = start + 1; i < this.lines.length && !this.lines[i]!.trimStart().startsWith("- name:"); i++) {
      if (/^\s+owner: \S+$/.test(this.lines[i]!)) rows.push(i);
    }
    return rows;
  }

  ownerAt(row: number): string {
    return this.lines[row]!.trim().slice("owner: ".length);
  }

  /** The source address of the mailbox whose owner line is `row`. */
  sourceOf(row: number): string {
    return this.lines[row - 1]!.trim().replace(/^- source: /, "");
  }

  setOwner(row: number, uid: string): void {
    this.lines[row] = this.lines[row]!.replace(/owner: \S+$/, `owner: ${uid}`);
  }

  /** Every owner moves down one row; the first keeps its own, the last one's falls off. */
  shiftOwners(wave: string): void {
    const rows = this.ownerRows(wave);
    const owners = rows.map((r) => this.ownerAt(r));
    rows.forEach((row, i) => this.setOwner(row, owners[Math.max(0, i - 1)]!));
  }

  swapOwners(rowA: number, rowB: number): void {
    const [a, b] = [this.ownerAt(rowA), this.ownerAt(rowB)];
    this.setOwner(rowA, b);
    this.setOwner(rowB, a);
  }

  findOwnerRow(uid: string): number {
    const row = this.lines.findIndex((l) => l.trim() === `owner: ${uid}`);
    if (row < 0) throw new Error(`owner ${uid} not in ${this.file}`);
    return row;
  }

  setSource(row: number, address: string): void {
    this.lines[row - 1] = this.lines[row - 1]!.replace(/source: \S+$/, `source: ${address}`);
  }

  /** Adds `aliases:` under a mailbox (shifts the lines after it by one). */
  addAlias(row: number, address: string): void {
    this.lines.splice(row + 1, 0, `${this.lines[row]!.match(/^\s*/)![0]}aliases: [${address}]`);
  }
}

function byName(resources: readonly DeclaredResource[], type: string, name: string): DeclaredResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

function withKeeper(r: DeclaredResource, mailboxId: string): DeclaredResource {
  const keepers = { mailboxId };
  return { ...r, inputs: { ...r.inputs, keepers }, outputs: { ...r.outputs, keepers } };
}

/** Two people's keys swapped: each RandomPassword's keepers name the other mailbox. */
export function swapKeyKeepers(resources: DeclaredResource[], idA: string, idB: string): DeclaredResource[] {
  const a = byName(resources, TYPES.key, `key-${idA}`);
  const b = byName(resources, TYPES.key, `key-${idB}`);
  return resources.map((r) => (r === a ? withKeeper(r, idB) : r === b ? withKeeper(r, idA) : r));
}

function annotationsOf(r: DeclaredResource): Record<string, string> {
  return (r.inputs["metadata"] as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
}

function withIndex(r: DeclaredResource, index: UserdbIndexEntry[]): DeclaredResource {
  const metadata = { ...(r.inputs["metadata"] as object), annotations: { ...annotationsOf(r), [K8S.annotationUserdbIndex]: JSON.stringify(index) } };
  return { ...r, inputs: { ...r.inputs, metadata }, outputs: { ...r.outputs, metadata } };
}

/** Two lines of a context's userdb index swap their key names (login A opens with B's key). */
export function swapUserdbKeyNames(resources: DeclaredResource[], context: string, idA: string, idB: string): DeclaredResource[] {
  const db = byName(resources, TYPES.secret, `userdb-${context}`);
  const index = JSON.parse(annotationsOf(db)[K8S.annotationUserdbIndex] ?? "[]") as UserdbIndexEntry[];
  const key = (id: string) => index.find((e) => e.mailboxId === id)?.keyName;
  const [keyA, keyB] = [key(idA), key(idB)];
  if (!keyA || !keyB) throw new Error(`userdb-${context} has no index line for ${idA} or ${idB}`);
  const swapped = index.map((e) => (e.mailboxId === idA ? { ...e, keyName: keyB } : e.mailboxId === idB ? { ...e, keyName: keyA } : e));
  return resources.map((r) => (r === db ? withIndex(r, swapped) : r));
}
