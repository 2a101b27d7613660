import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalUuid, guidFromObjectGuidBytes, homeFor, keyNameFor, objectGuidBytesFromGuid } from "@oxmig/core/ids";

const GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
/** The same GUID as AD stores it in objectGUID: first three groups little-endian. */
const AD_BYTES = [0xe0, 0x04, 0x25, 0x3f, 0x89, 0x4f, 0xd3, 0x11, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01];

describe("canonicalUuid", () => {
  it("lower-cases and strips the braces Exchange prints", () => {
    expect(canonicalUuid("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}")).toBe(GUID);
    expect(canonicalUuid(` ${GUID} `)).toBe(GUID);
  });

  it("rejects what is not a UUID", () => {
    for (const raw of ["", "3f2504e0-4f89-11d3-9a0c-0305e82c330", "3f2504e04f8911d39a0c0305e82c3301", "3f2504e0-4f89-11d3-9a0c-0305e82c330g"]) {
      expect(canonicalUuid(raw)).toBeUndefined();
    }
  });
});

describe("AD objectGUID byte order", () => {
  it("reads the known vector (first three groups little-endian)", () => {
    expect(guidFromObjectGuidBytes(Uint8Array.from(AD_BYTES))).toBe(GUID);
  });

  it("writes the known vector", () => {
    expect([...objectGuidBytesFromGuid(GUID)]).toEqual(AD_BYTES);
  });

  it("does not read the bytes in network (RFC 4122) order", () => {
    const networkOrder = Uint8Array.from(Buffer.from(GUID.replace(/-/g, ""), "hex"));
    expect(guidFromObjectGuidBytes(networkOrder)).not.toBe(GUID);
  });

  it("rejects anything but 16 bytes", () => {
    expect(guidFromObjectGuidBytes(new Uint8Array(15))).toBeUndefined();
    expect(guidFromObjectGuidBytes(new Uint8Array(17))).toBeUndefined();
  });

  it("round-trips every 16-byte value", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect([...objectGuidBytesFromGuid(guidFromObjectGuidBytes(bytes)!)]).toEqual([...bytes]);
      }),
    );
  });
});

describe("homeFor and keyNameFor", () => {
  it("derive from the id only", () => {
    expect(homeFor(GUID)).toBe(`/var/vmail/3f/${GUID}`);
    expect(homeFor(GUID, "/srv/mail/")).toBe(`/srv/mail/3f/${GUID}`);
    expect(keyNameFor(GUID)).toBe(`key-${GUID}`);
  });

  it("give different ids different homes, whatever else is equal", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => {
        fc.pre(a !== b);
        expect(homeFor(a)).not.toBe(homeFor(b));
        expect(homeFor(a)).toContain(a);
      }),
    );
  });
});
