// Every relative link in the project's Markdown must reach a file of the checkout: a reader of
// README or docs/ on GitHub, or a fresh clone, follows them. Links are read by a Markdown parser,
// so links in code blocks are not links and reference-style links are.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SKIPPED_DIRS = new Set(["node_modules", ".git", "reports", "coverage", "rendered", ".pulumi-state"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".stryker-tmp") || SKIPPED_DIRS.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith(".md") ? [full] : [];
  });
}

/** Link targets as a Markdown renderer sees them (inline, reference-style, images). */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  const visit = (tokens: ReturnType<InstanceType<typeof MarkdownIt>["parse"]>) => {
    for (const token of tokens) {
      if (token.type === "link_open") targets.push(String(token.attrGet("href") ?? ""));
      if (token.type === "image") targets.push(String(token.attrGet("src") ?? ""));
      if (token.children) visit(token.children);
    }
  };
  visit(new MarkdownIt().parse(markdown, {}));
  return targets;
}

function isRelative(target: string): boolean {
  return target !== "" && !target.startsWith("#") && !/^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** The relative links of `markdown` (a file in `baseDir`) whose target is missing. */
function deadLinks(markdown: string, baseDir: string): string[] {
  return linkTargets(markdown)
    .filter(isRelative)
    .filter((target) => {
      const withoutAnchor = decodeURIComponent(target.split("#")[0]!.split("?")[0]!);
      return !existsSync(path.resolve(baseDir, withoutAnchor));
    });
}

describe("relative links in Markdown", () => {
  const files = markdownFiles(ROOT);

  it("finds the README and the docs", () => {
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["README.md", "docs/gate.md"]));
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))("%s has no dead relative link", (_name, file) => {
    expect(deadLinks(readFileSync(file, "utf8"), path.dirname(file))).toEqual([]);
  });

  it("reports a missing file, and ignores web links, anchors and code", () => {
    const markdown = [
      "[gone](docs/no-such-file.md) [there](README.md#quick-start) [web](https://example.org/x.md)",
      "[anchor](#top) <mailto:a@b.example>",
      "```",
      "[in code](docs/also-missing.md)",
      "```",
      "[ref][r]",
      "",
      "[r]: docs/missing-by-reference.md",
    ].join("\n");
    expect(linkTargets(markdown).filter(isRelative)).toEqual(["docs/no-such-file.md", "README.md#quick-start", "docs/missing-by-reference.md"]);
    expect(deadLinks(markdown, ROOT)).toEqual(["docs/no-such-file.md", "docs/missing-by-reference.md"]);
  });
});
