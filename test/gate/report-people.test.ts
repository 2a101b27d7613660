// Gate reports name people: findings grouped per plan line under its source and the person it is
// bound to, the decisive evidence first, each finding once; Markdown escapes every name.
import { describe, expect, it } from "vitest";
import { formatReport } from "../../gate/report";
import { RULES_BY_DECISIVENESS } from "../../gate/report/decisiveness";
import type { GateResult, GateViolation, MailboxSubject } from "../../engine/types";
import { ALL_POLICIES } from "../../policies/all";
import { asRenderedText, HOSTILE_NAME, renderMarkdown } from "../support/markdown-render";

const MARIA_IM: MailboxSubject = {
  source: "maria.mueller@fa-luebeck.example",
  kind: "personal",
  mailboxId: "a5b6e193-285e-4ff5-bed9-5525ce0dd6b1",
  owner: { uid: "mmueller2", displayName: "Maria Müller", organisation: "im" },
  displayName: "Maria Müller",
};
const JAN: MailboxSubject = {
  source: "juergen.weiss@fa-luebeck.example",
  kind: "personal",
  mailboxId: "9474e278-8ea9-4136-a361-dda60bec50e8",
  owner: { uid: "jschmidt", displayName: "Jan Schmidt", organisation: "fa-luebeck" },
  displayName: "Jan Schmidt",
};
const at = (subject: MailboxSubject, line: number, policy: string, message: string): GateViolation => ({
  policy,
  level: "mandatory",
  mailbox: "maria.mueller@im.example",
  identity: subject.owner!.uid,
  message,
  file: "plan.yaml",
  line,
  subject,
});

const RESULT: GateResult = {
  stack: "staging",
  mailboxes: 306,
  violations: [
    at(MARIA_IM, 16, "chain-consistent", "key is used by 2 mailboxes"),
    at(MARIA_IM, 16, "unique-logins", 'Dovecot login "mmueller2" has 2 userdb lines'),
    at(MARIA_IM, 16, "source-belongs-to-owner", "source belongs to directory uid mmueller, not the owner mmueller2"),
    at(JAN, 20, "source-belongs-to-owner", "source belongs to directory uid jweiss"),
    { ...at(MARIA_IM, 16, "bindings-match-lock", "re-bound"), file: "shard-plan.yaml", line: 3 },
  ],
};

describe("people first in gate reports", () => {
  it("text heads each plan line with its source and the person (uid, organisation), the mailbox id as a detail, in plan order", () => {
    const lines = formatReport(RESULT, "text").trimEnd().split("\n");
    expect(lines).toEqual([
      "maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im) · plan.yaml:16 · mailbox id a5b6e193-285e-4ff5-bed9-5525ce0dd6b1",
      "  MANDATORY source-belongs-to-owner: source belongs to directory uid mmueller, not the owner mmueller2",
      '  MANDATORY unique-logins: Dovecot login "mmueller2" has 2 userdb lines',
      "  MANDATORY chain-consistent: key is used by 2 mailboxes",
      "juergen.weiss@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck) · plan.yaml:20 · mailbox id 9474e278-8ea9-4136-a361-dda60bec50e8",
      "  MANDATORY source-belongs-to-owner: source belongs to directory uid jweiss",
      "maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im) · shard-plan.yaml:3 · mailbox id a5b6e193-285e-4ff5-bed9-5525ce0dd6b1",
      "  MANDATORY bindings-match-lock: re-bound",
      "REJECTED stack staging: 5 mandatory, 0 advisory violation(s); 306 mailbox(es) checked",
    ]);
  });

  it("markdown groups the same way, and sarif and junit name the source and the person", () => {
    const md = formatReport(RESULT, "markdown");
    expect(md).toContain(
      "#### maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im)\n\nplan.yaml:16 · mailbox id a5b6e193-285e-4ff5-bed9-5525ce0dd6b1\n\n| Level | Policy | Finding |\n|---|---|---|\n| mandatory | `source-belongs-to-owner` |",
    );
    const sarif = JSON.parse(formatReport(RESULT, "sarif")).runs[0].results;
    expect(sarif[3].message.text).toBe("juergen.weiss@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck): source belongs to directory uid jweiss");
    expect(formatReport(RESULT, "junit")).toContain('name="source-belongs-to-owner: juergen.weiss@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck)"');
  });

  it("every rule of the pack has its place in the one order of decisiveness", () => {
    for (const policy of ALL_POLICIES) expect(RULES_BY_DECISIVENESS, policy.name).toContain(policy.name);
    expect(RULES_BY_DECISIVENESS[0]).toBe("source-belongs-to-owner");
    expect(new Set(RULES_BY_DECISIVENESS).size).toBe(RULES_BY_DECISIVENESS.length);
  });

  it("markdown renders a hostile name in a heading, a finding and an advisory example as its text", () => {
    const evil: MailboxSubject = { ...JAN, owner: { uid: "jschmidt", displayName: HOSTILE_NAME, organisation: "fa | x" } };
    const hostile: GateResult = {
      stack: "staging",
      mailboxes: 1,
      violations: [
        { ...at(evil, 20, "source-belongs-to-owner", `owner ${HOSTILE_NAME}`) },
        { ...at(evil, 20, "source-match-strength", `weak match for ${HOSTILE_NAME}`), level: "advisory" },
      ],
    };
    const html = renderMarkdown(formatReport(hostile, "markdown"));
    expect(html).toMatch(/<h4>.*juergen\.weiss@fa-luebeck\.example(<\/a>)? → /);
    expect(html).toContain(` → ${asRenderedText(HOSTILE_NAME)} (jschmidt, fa | x)</h4>`);
    expect(html).toContain(`<td>owner ${asRenderedText(HOSTILE_NAME)}</td>`);
    expect(html).toContain(` → ${asRenderedText(HOSTILE_NAME)} (jschmidt, fa | x): weak match for ${asRenderedText(HOSTILE_NAME)} (plan.yaml:20)</li>`);
    expect(html).not.toMatch(/<a href="(?!mailto:)|<(img|h1|h2|pre|em)\b/);
    expect(html.match(/<td>/g)).toHaveLength(3);
  });
});
