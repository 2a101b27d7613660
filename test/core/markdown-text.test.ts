// One escaping function for every Markdown the review and the gate print from the inputs.
import { describe, expect, it } from "vitest";
import { escapeMarkdown } from "@oxmig/core/markdown-text";
import { asRenderedText, HOSTILE_NAME, renderMarkdown } from "../support/markdown-render";

describe("escapeMarkdown", () => {
  it("renders a hostile name as exactly its text: no heading, link, image, HTML, code or emphasis", () => {
    const html = renderMarkdown(`- **${escapeMarkdown(HOSTILE_NAME)}** owns it`);
    expect(html).toContain(`<strong>${asRenderedText(HOSTILE_NAME)}</strong> owns it`);
    expect(html).not.toMatch(/<(a|img|h[1-6]|code|pre|em)\b/);
  });

  it("keeps a table row's cells when the name holds a pipe, and a name at a line's start opens no block", () => {
    const html = renderMarkdown(`| a | b |\n|---|---|\n| ${escapeMarkdown(HOSTILE_NAME)} | x |\n`);
    expect(html.match(/<td>/g)).toHaveLength(2);
    for (const start of ["# heading", "- item", "1. item", "> quote", "```", "=== "]) {
      expect(renderMarkdown(escapeMarkdown(start)).trim(), start).toBe(`<p>${asRenderedText(start.trim())}</p>`);
    }
  });

  it("puts a multi-line value on one line, so its rest cannot start a block", () => {
    expect(escapeMarkdown("Maria\n# Müller\r\n```")).toBe("Maria \\# Müller \\`\\`\\`");
  });

  it("leaves plain names and addresses as they are", () => {
    expect(escapeMarkdown("Maria Müller (mmueller2, im)")).toBe("Maria Müller (mmueller2, im)");
    expect(escapeMarkdown("maria.mueller@fa-luebeck.example")).toBe("maria.mueller@fa-luebeck.example");
  });
});
