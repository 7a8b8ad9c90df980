import { Lexer, Parser, walkTokens, type Token } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Course Markdown to safe HTML. Content is written by people, imported by the sync and shown to every
 * learner, so the HTML is sanitised with an allow-list: no script, no event-handler attributes, no
 * `javascript:` or `data:` URLs, no styles, no iframes.
 */

/** Bumped whenever the rendering changes, so the next sync re-renders unchanged files too. */
export const MARKDOWN_RENDERER_VERSION = "1";

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sup", "sub",
    "blockquote", "ul", "ol", "li", "a", "img", "code", "pre", "table", "thead", "tbody", "tfoot", "tr", "th",
    "td", "caption", "figure", "figcaption", "dl", "dt", "dd", "kbd", "mark", "abbr",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height", "loading"],
    th: ["align", "colspan", "rowspan", "scope"],
    td: ["align", "colspan", "rowspan"],
    ol: ["start"],
    code: ["class"],
    abbr: ["title"],
  },
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // The page owns the one <h1>.
    h1: "h2",
    a: (tagName, attribs) => ({
      tagName,
      attribs: /^https?:\/\//i.test(attribs.href ?? "") ? { ...attribs, rel: "noopener noreferrer" } : attribs,
    }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: "lazy", alt: attribs.alt ?? "" } }),
  },
};

export function sanitizeContentHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** A URL written in content that points at a file next to it (not a web address, not an anchor). */
export function isRelativeFileUrl(href: string): boolean {
  return !/^(?:[a-z][a-z0-9+.-]*:|\/|#|\?)/i.test(href.trim());
}

export type RenderOptions = {
  /** Rewrites a relative URL of an image or link (e.g. ../../assets/x.svg → /courses/slug/assets/x.svg). */
  rewriteRelativeUrl?: (href: string, kind: "image" | "link") => string;
};

export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  const tokens = Lexer.lex(markdown, { gfm: true });
  if (options.rewriteRelativeUrl) {
    const rewrite = options.rewriteRelativeUrl;
    walkTokens(tokens, (token: Token) => {
      if ((token.type === "image" || token.type === "link") && isRelativeFileUrl(token.href)) {
        token.href = rewrite(token.href, token.type);
      }
    });
  }
  const html = Parser.parse(tokens, { gfm: true });
  return sanitizeContentHtml(html);
}
