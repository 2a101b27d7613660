// JUnit XML for CI test tabs: one testsuite per stack, a testcase per violation (mandatory
// ones fail, advisory ones pass with their message as output), or one passing testcase.
import { XMLBuilder } from "fast-xml-parser";
import type { GateResult, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { subjectLabel } from "./subject";

function caseName(v: GateViolation): string {
  const subject = v.subject ? subjectLabel(v.subject) : v.mailbox !== undefined ? `mailbox ${v.mailbox}` : (v.urn ?? "stack");
  return `${v.policy}: ${subject}`;
}

function testcase(v: GateViolation): object {
  const detail = v.file !== undefined ? `${v.message} (${v.file}:${v.line})` : v.message;
  const base = { "@_name": caseName(v), "@_classname": v.policy };
  if (isBlocking(v)) return { ...base, failure: { "@_type": v.level, "@_message": v.message, "#text": detail } };
  return { ...base, "system-out": `${v.level}: ${detail}` };
}

export function formatJunit(result: GateResult): string {
  const cases =
    result.violations.length > 0 ? result.violations.map(testcase) : [{ "@_name": `gate: ${result.mailboxes} mailbox(es)`, "@_classname": "oxmig-gate" }];
  const failures = result.violations.filter(isBlocking).length;
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": "oxmig-gate",
      "@_tests": cases.length,
      "@_failures": failures,
      testsuite: { "@_name": `stack ${result.stack}`, "@_tests": cases.length, "@_failures": failures, "@_errors": 0, testcase: cases },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return builder.build(doc) as string;
}
