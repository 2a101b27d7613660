// Markdown as a pull-request comment renders it: raw HTML allowed, bare URLs turned into links (as
// GitHub's autolinks do). Tests render what the review and the gate print and check that a hostile
// name comes out as the very text it is, with no element of its own.
import MarkdownIt from "markdown-it";

const renderer = new MarkdownIt({ html: true, linkify: true });

export function renderMarkdown(markdown: string): string {
  return renderer.render(markdown);
}

/** A display name that tries a heading, a link, HTML, a table-cell break, a code fence, emphasis and an autolink. */
export const HOSTILE_NAME = "# Boss](http://evil.example) <img src=x onerror=alert(1)> | ``` `code` *bold* [click](http://evil.example) www.evil.example";

/** The name as rendered text: what the HTML holds when the name injected nothing. */
export function asRenderedText(text: string): string {
  return renderer.utils.escapeHtml(text);
}
