import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { analyzeRequest, analyzeRequestBytes, analyzerProto, analyzeStackRequest, analyzeStackRequestBytes } from "../../engine/analyzer-proto";
import { BinaryWriter, writeStructFields } from "../../engine/struct-bytes";
import { AWKWARD, declared } from "./support/declared";

const structProto = createRequire(require.resolve("@pulumi/pulumi"))("google-protobuf/google/protobuf/struct_pb");

function struct(bytes: Uint8Array): unknown {
  return structProto.Struct.deserializeBinary(bytes).toJavaScript();
}

describe("protobuf bytes written straight from JSON", () => {
  it("a Struct differs from Struct.fromJavaScript's bytes (key order, empty strings, false, null, nesting)", () => {
    const w = new BinaryWriter();
    writeStructFields(AWKWARD, w);
    expect(Buffer.from(w.getResultBuffer()).toString("hex")).toBe(Buffer.from(structProto.Struct.fromJavaScript(AWKWARD).serializeBinary()).toString("hex"));
  });

  it("an Analyze request decodes differently from the message-object request (properties, secrets, options)", () => {
    const r = declared("oxuser-1", { ...AWKWARD, password: "not-a-secret-placeholder" }, { secretInputPaths: [["password"]] });
    const byUrn = new Map([[r.urn, r]]);
    const mine = analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequestBytes(r, byUrn));
    const theirs = analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequest(r, byUrn).serializeBinary());
    expect(mine.toObject()).toEqual(theirs.toObject());
    expect(struct(mine.getProperties().serializeBinary())).toEqual(theirs.getProperties().toJavaScript());
  });

  it("an AnalyzeStack request loses or reorders resources, outputs or dependencies", () => {
    const rs = [declared("a", AWKWARD), declared("b", { only: "one" }, { parent: "urn:pulumi:s::p::c::parent" }), declared("c", {})];
    const mine = analyzerProto.AnalyzeStackRequest.deserializeBinary(analyzeStackRequestBytes(rs));
    const theirs = analyzerProto.AnalyzeStackRequest.deserializeBinary(analyzeStackRequest(rs).serializeBinary());
    expect(mine.getResourcesList().map((x: { getName(): string }) => x.getName())).toEqual(["a", "b", "c"]);
    expect(mine.toObject()).toEqual(theirs.toObject());
  });
});
