// Where each node of a YAML document starts, so plan errors can name a line.
// js-yaml 5 has no line-aware loader; its event stream carries source offsets instead.
import { EVENT_ID, getScalarValue, type Event } from "js-yaml";

export type YamlPath = readonly (string | number)[];

interface Frame {
  readonly kind: "document" | "mapping" | "sequence";
  readonly path: YamlPath;
  index: number;
  /** Mappings alternate key, value; the pending key and its offset wait for the value. */
  pendingKey?: { name: string; offset: number };
}

/** Path of every node (as `pathKey`) → 1-based line; a mapping value takes the line of its key. */
export function yamlLines(events: readonly Event[], text: string): Map<string, number> {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (event.type === EVENT_ID.DOCUMENT) {
      stack.push({ kind: "document", path: [], index: 0 });
      continue;
    }
    const top = stack[stack.length - 1];
    const placed = place(top, event, text);
    if (!placed) continue;
    const offset = placed.keyOffset ?? nodeOffset(event);
    if (offset >= 0) lines.set(pathKey(placed.path), lineAt(offset));
    if (event.type === EVENT_ID.MAPPING) stack.push({ kind: "mapping", path: placed.path, index: 0 });
    if (event.type === EVENT_ID.SEQUENCE) stack.push({ kind: "sequence", path: placed.path, index: 0 });
  }
  return lines;
}

/** The node's path, or undefined when the node is a mapping key (remembered for its value). */
function place(top: Frame | undefined, event: Event, text: string): { path: YamlPath; keyOffset?: number } | undefined {
  if (!top || top.kind === "document") return { path: [] };
  if (top.kind === "sequence") return { path: [...top.path, top.index++] };
  if (!top.pendingKey) {
    const name = event.type === EVENT_ID.SCALAR ? getScalarValue(text, event) : `#${top.index}`;
    top.pendingKey = { name, offset: nodeOffset(event) };
    top.index++;
    return undefined;
  }
  const { name, offset } = top.pendingKey;
  top.pendingKey = undefined;
  return { path: [...top.path, name], keyOffset: offset };
}

function nodeOffset(event: Event): number {
  if (event.type === EVENT_ID.SCALAR) return event.valueStart;
  if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) return event.start;
  return -1;
}

export function pathKey(path: YamlPath): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/** `waves[0].mailboxes[2]` for messages. */
export function formatPath(path: YamlPath): string {
  return pathKey(path).replace(/^\./, "");
}

/** Line of the deepest node on `path` that the document has (at least line 1). */
export function lineOf(lines: Map<string, number>, path: YamlPath): number {
  for (let n = path.length; n >= 0; n--) {
    const line = lines.get(pathKey(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return 1;
}
