/**
 * Course text rendered from Markdown at import and sanitised there (markdown.server.ts); the content is
 * written in Vietnamese, so it carries lang="vi" whatever the interface language.
 */
export function ContentHtml({ html, className = "" }: { html: string; className?: string }) {
  return <div lang="vi" className={`course-content ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
