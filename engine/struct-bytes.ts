// google.protobuf.Struct written straight from plain JSON into a protobuf BinaryWriter, without
// building the Struct/Value message objects first: Struct.fromJavaScript plus serializeBinary was
// most of the gate parent's Analyze cost (and its garbage). Same bytes as that pair (map keys sorted).
import { createRequire } from "node:module";

/* eslint-disable @typescript-eslint/no-explicit-any -- google-protobuf's writer is untyped */
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
export const BinaryWriter: any = pulumiRequire("google-protobuf").BinaryWriter;

// Field numbers of struct.proto.
const STRUCT_FIELDS = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const VALUE_NULL = 1;
const VALUE_NUMBER = 2;
const VALUE_STRING = 3;
const VALUE_BOOL = 4;
const VALUE_STRUCT = 5;
const VALUE_LIST = 6;
const LIST_VALUES = 1;

/** Stands in for null as a message value: writer.writeMessage skips null values entirely. */
const NULL_VALUE = Symbol("null");
const boxed = (v: unknown) => (v === null ? NULL_VALUE : v);

/** From this length strings are UTF-8 encoded natively (the writer encodes char by char in JS). */
const LONG_STRING = 128;
/**
 * Encodings of recent long strings: every dynamic resource carries the same serialised provider
 * (~2.5 kB) in its inputs and outputs. Bounded, as any string value may land here.
 */
const longStrings = new Map<string, Uint8Array>();
const LONG_STRINGS_KEPT = 64;

function writeString(field: number, s: string, w: any): void {
  if (s.length < LONG_STRING) return void w.writeString(field, s);
  let bytes = longStrings.get(s);
  if (!bytes) {
    if (longStrings.size >= LONG_STRINGS_KEPT) longStrings.clear();
    bytes = Buffer.from(s, "utf8");
    longStrings.set(s, bytes);
  }
  // A string field is length-delimited UTF-8: the same bytes as writeString writes.
  w.writeBytes(field, bytes);
}

function writeValue(v: unknown, w: any): void {
  switch (typeof v) {
    case "string":
      return writeString(VALUE_STRING, v, w);
    case "number":
      return void w.writeDouble(VALUE_NUMBER, v);
    case "boolean":
      return void w.writeBool(VALUE_BOOL, v);
    case "symbol":
      if (v === NULL_VALUE) return void w.writeEnum(VALUE_NULL, 0);
      break;
    case "object":
      if (Array.isArray(v)) return void w.writeMessage(VALUE_LIST, v, writeList);
      return void w.writeMessage(VALUE_STRUCT, v, writeStructFields);
  }
  throw new Error(`Unexpected struct type: ${typeof v}.`);
}

function writeList(list: readonly unknown[], w: any): void {
  for (const e of list) w.writeMessage(LIST_VALUES, boxed(e), writeValue);
}

/** The fields of a Struct message holding `obj` (the callback shape writer.writeMessage takes). */
export function writeStructFields(obj: Record<string, unknown>, w: any): void {
  for (const key of Object.keys(obj).sort()) {
    w.writeMessage(STRUCT_FIELDS, key, (k: string, entry: any) => {
      entry.writeString(ENTRY_KEY, k);
      entry.writeMessage(ENTRY_VALUE, boxed(obj[k]), writeValue);
    });
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
