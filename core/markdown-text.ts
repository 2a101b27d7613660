// Text from the inputs (display names, addresses, organisations, messages that quote them) as
// Markdown that renders as exactly that text: no heading, link, image, HTML, code span or fence,
// emphasis, math or table-cell break can come out of a name. Used by every Markdown the review and
// the gate print (a pull-request comment is read by people who act on it).

/** ASCII punctuation that Markdown (CommonMark + GFM, GitHub math) gives a meaning inline; `\x` is always a literal x. */
const INLINE = /[\\`*_[\]!|~#$]/g;

/** `text` as inline Markdown that renders as itself, on one line. */
export function escapeMarkdown(text: string): string {
  return (
    text
      // A line break would let the rest start a block (heading, fence, list, table row).
      .replace(/\s*[\r\n]+\s*/g, " ")
      // Entities first, so the escapes below are not themselves rewritten.
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(INLINE, "\\$&")
      // GFM turns bare URLs into links (autolink literals): break the patterns it looks for.
      .replace(/:\/\//g, "\\://")
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
      // Only a text placed at a line's start could open a list or setext heading; escape that too.
      .replace(/^([-+=]|\d+[.)])/, (m) => m.replace(/[-+=.)]$/, "\\$&"))
  );
}
