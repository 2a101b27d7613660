// What the corrected re-migration imports: exactly what the rightful source holds and the target lacks.
import { describe, expect, it } from "vitest";
import type { HeldMessage } from "../../../core/audit";
import { importCommands, missingMail } from "../../../rehearsal/incident/remigrate";

const m = (folder: string, messageId: string | undefined, size = 100): HeldMessage => ({
  folder,
  uid: 1,
  size,
  sentAt: 1_700_000_000_000,
  ...(messageId ? { messageId } : {}),
});
const pairing = { mailboxId: "0a1b2c3d-0000-4000-8000-000000000001", sourceLogin: "anna@ad.example", sourceExchangeGuid: "g", targetLogin: "anna" };
const paths = { doveadmConf: "/run/doveadm.conf", stateDir: "/state" };

describe("missingMail", () => {
  it("selects what the target lacks by Message-ID, Date and size, copy by copy", () => {
    const source = [m("INBOX", "<1>"), m("INBOX", "<2>"), m("INBOX", "<2>"), m("Sent", "<3>"), m("INBOX", "<4>", 200), m("INBOX", undefined)];
    const target = [m("INBOX", "<1>"), m("INBOX", "<2>"), m("INBOX", "<4>", 999), m("INBOX", "<after-cut-over>")];
    const missing = missingMail(source, target);
    expect([...missing.byFolder]).toEqual([
      ["INBOX", ["<2>", "<4>"]],
      ["Sent", ["<3>"]],
    ]);
    expect(missing.withoutId).toBe(1);
  });

  it("finds nothing missing once everything is there (a rerun imports nothing twice)", () => {
    const all = [m("INBOX", "<1>"), m("INBOX", "<2>")];
    expect(missingMail(all, all).byFolder.size).toBe(0);
  });
});

describe("importCommands", () => {
  it("one doveadm import per folder that selects exactly the missing Message-IDs, no saved state needed", () => {
    const [inbox, sent] = importCommands(
      pairing,
      {
        byFolder: new Map([
          ["INBOX", ["<2>", "<4>"]],
          ["Sent", ["<3>"]],
        ]),
        withoutId: 0,
      },
      paths,
    );
    expect(inbox).toEqual({
      mailboxId: pairing.mailboxId,
      stateFile: `/state/${pairing.mailboxId}.state`,
      needsState: false,
      argv: [
        "doveadm",
        "-c",
        "/run/doveadm.conf",
        "-o",
        "imapc_user=anna@ad.example",
        "import",
        "-u",
        "anna",
        "imapc:",
        "",
        "mailbox",
        "INBOX",
        "(",
        "header",
        "message-id",
        "<2>",
        "OR",
        "header",
        "message-id",
        "<4>",
        ")",
      ],
    });
    expect(sent!.argv.slice(-7)).toEqual(["mailbox", "Sent", "(", "header", "message-id", "<3>", ")"]);
  });

  it("splits long lists into several runs", () => {
    const ids = Array.from({ length: 250 }, (_, i) => `<${i}>`);
    const runs = importCommands(pairing, { byFolder: new Map([["INBOX", ids]]), withoutId: 0 }, paths);
    expect(runs.map((r) => r.argv.filter((x) => x === "message-id").length)).toEqual([100, 100, 50]);
  });
});
