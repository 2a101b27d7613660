import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { buildFault, buildRequest, buildResponse, buildVoidResponse, NS, OxSoapFault, parseEnvelope, userFromXml } from "../../../infra/ox/soap";

const auth = { element: "auth", kind: "credentials", value: { login: "oxadminmaster", password: "p&ss<wörd>" } } as const;
const ctx = { element: "ctx", kind: "context", value: { id: 17, name: "schule-nord" } } as const;

function createUserEnvelope(overrides: Record<string, unknown> = {}): string {
  const value = {
    name: "jürgen.müller",
    display_name: "Jürgen Müller & Söhne <Büro>",
    primaryEmail: "jürgen@schule-nord.example",
    aliases: ["jürgen@schule-nord.example", "j.m@schule-nord.example"],
    userAttributes: { "oxmig/mailbox-id": "3f2b0c6e", "oxmig/kind": "personal" },
    mailenabled: true,
    ...overrides,
  };
  return buildRequest("create", [ctx, { element: "usrdata", kind: "user", value }, auth]);
}

describe("SOAP request envelope", () => {
  it("wraps the operation in the OX service namespace with ctx, usrdata, auth in WSDL order", () => {
    const xml = createUserEnvelope();
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><soapenv:Envelope /);
    expect(xml).toContain(`xmlns:soap="${NS.service}"`);
    expect(xml).toContain(`xmlns:xsd="${NS.dataobjects}"`);
    expect(xml).toContain(`xmlns:xsd1="${NS.credentials}"`);
    const body = xml.slice(xml.indexOf("<soapenv:Body>"));
    expect(body.indexOf("<soap:ctx>")).toBeLessThan(body.indexOf("<soap:usrdata>"));
    expect(body.indexOf("<soap:usrdata>")).toBeLessThan(body.indexOf("<soap:auth>"));
    expect(body).toContain("<soap:ctx><xsd:id>17</xsd:id><xsd:name>schule-nord</xsd:name></soap:ctx>");
    expect(body).toContain("<xsd1:login>oxadminmaster</xsd1:login>");
  });

  it("emits user fields in the schema's sequence order, aliases repeated", () => {
    const xml = createUserEnvelope().split("<soap:usrdata>")[1]!;
    const order = ["<xsd:aliases>", "<xsd:display_name>", "<xsd:mailenabled>", "<xsd:name>", "<xsd:primaryEmail>", "<xsd:userAttributes>"];
    const positions = order.map((tag) => xml.indexOf(tag));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(xml.match(/<xsd:aliases>/g)).toHaveLength(2);
  });

  it("escapes & and < in values and keeps umlauts as UTF-8 text", () => {
    const xml = createUserEnvelope();
    expect(xml).toContain("<xsd:display_name>Jürgen Müller &amp; Söhne &lt;Büro&gt;</xsd:display_name>");
    expect(xml).toContain("<xsd1:password>p&amp;ss&lt;wörd&gt;</xsd1:password>");
    expect(xml).not.toContain("& Söhne");
  });

  it("nests userAttributes as namespace → entries like OX's SOAPStringMapMap", () => {
    const xml = createUserEnvelope();
    expect(xml).toContain(
      "<xsd:userAttributes><xsd:entries><xsd:key>oxmig</xsd:key><xsd:value>" +
        "<xsd:entries><xsd:key>kind</xsd:key><xsd:value>personal</xsd:value></xsd:entries>" +
        "<xsd:entries><xsd:key>mailbox-id</xsd:key><xsd:value>3f2b0c6e</xsd:value></xsd:entries>" +
        "</xsd:value></xsd:entries></xsd:userAttributes>",
    );
  });

  it("is well-formed XML that a namespace-aware reader maps back to the same user", () => {
    const xml = createUserEnvelope();
    const { operation, content } = parseEnvelope(xml);
    expect(operation).toBe("create");
    const user = userFromXml(content.usrdata);
    expect(user.display_name).toBe("Jürgen Müller & Söhne <Büro>");
    expect(user.aliases).toEqual(["jürgen@schule-nord.example", "j.m@schule-nord.example"]);
    expect(user.userAttributes).toEqual({ "oxmig/kind": "personal", "oxmig/mailbox-id": "3f2b0c6e" });
    expect(user.mailenabled).toBe(true);
    expect(() => new XMLParser().parse(xml, true)).not.toThrow();
  });
});

describe("SOAP response reading", () => {
  it("turns a fault into OxSoapFault with the OX exception named in the detail", () => {
    const xml = buildFault('Display name "A & B" already used', "InvalidDataException");
    expect(() => parseEnvelope(xml)).toThrow(OxSoapFault);
    try {
      parseEnvelope(xml);
    } catch (err) {
      expect((err as OxSoapFault).exception).toBe("InvalidDataException");
      expect((err as OxSoapFault).faultString).toBe('Display name "A & B" already used');
    }
  });

  it("reads a CXF-style response with other prefixes and a single alias as a list", () => {
    const xml =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      '<ns2:getDataResponse xmlns:ns2="http://soap.admin.openexchange.com" xmlns:ns3="http://dataobjects.soap.admin.openexchange.com/xsd">' +
      "<ns2:return><ns3:aliases>a@x.example</ns3:aliases><ns3:id>0042</ns3:id><ns3:name>007</ns3:name></ns2:return>" +
      "</ns2:getDataResponse></soap:Body></soap:Envelope>";
    const { operation, content } = parseEnvelope(xml);
    expect(operation).toBe("getDataResponse");
    expect(userFromXml(content.return)).toEqual({ aliases: ["a@x.example"], id: 42, name: "007" });
  });

  it("rejects an answer that is not a SOAP envelope", () => {
    expect(() => parseEnvelope("<html><body>502 Bad Gateway</body></html>")).toThrow(/not a SOAP envelope/);
  });
});

describe("OX's contract on the wire", () => {
  const cxf = (inner: string) =>
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>' +
    inner +
    "</soap:Body></soap:Envelope>";

  it("an empty Body (void change/delete, BARE) is an answer without operation, in both spellings", () => {
    expect(parseEnvelope(cxf(""))).toEqual({ operation: undefined, content: {} });
    expect(parseEnvelope('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>').operation).toBeUndefined();
    expect(parseEnvelope(buildVoidResponse()).operation).toBeUndefined();
  });

  it("reads xsi:nil fields as absent, not as empty strings", () => {
    const xml = cxf(
      '<ns2:getDataResponse xmlns:ns2="http://soap.admin.openexchange.com" xmlns:ns3="http://dataobjects.soap.admin.openexchange.com/xsd"><ns2:return>' +
        '<ns3:defaultSenderAddress xsi:nil="true"/><ns3:display_name>A</ns3:display_name><ns3:id>3</ns3:id><ns3:imapLogin xsi:nil="true"></ns3:imapLogin>' +
        '<ns3:language xsi:type="xs:string">de_DE</ns3:language><ns3:userAttributes xsi:nil="true"/></ns2:return></ns2:getDataResponse>',
    );
    expect(userFromXml(parseEnvelope(xml).content.return)).toEqual({ display_name: "A", id: 3, language: "de_DE" });
  });

  it("the test server's answers carry nil for every unset field", () => {
    const xml = buildResponse("getData", { element: "return", kind: "user", value: { id: 3, name: "x" } });
    expect(xml).toContain('<xsd:display_name xsi:nil="true"></xsd:display_name>');
    expect(userFromXml(parseEnvelope(xml).content.return)).toEqual({ id: 3, name: "x" });
  });

  it("an attribute to delete goes out without <value>; an empty one with an empty <value>", () => {
    const xml = buildRequest("change", [
      ctx,
      { element: "usrdata", kind: "user", value: { id: 3, userAttributes: { "oxmig/kind": null, "oxmig/note": "" } } },
      auth,
    ]);
    expect(xml).toContain("<xsd:entries><xsd:key>kind</xsd:key></xsd:entries><xsd:entries><xsd:key>note</xsd:key><xsd:value></xsd:value></xsd:entries>");
    expect(userFromXml(parseEnvelope(xml).content.usrdata).userAttributes).toEqual({ "oxmig/kind": null, "oxmig/note": "" });
  });

  it("a context-service fault without <detail> still carries its faultstring", () => {
    const xml = buildFault("Context 42 does not exist; exceptionId -1-2");
    expect(xml).not.toContain("detail");
    try {
      parseEnvelope(xml);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OxSoapFault);
      expect((err as OxSoapFault).exception).toBeUndefined();
      expect((err as OxSoapFault).faultString).toBe("Context 42 does not exist; exceptionId -1-2");
    }
  });
});
