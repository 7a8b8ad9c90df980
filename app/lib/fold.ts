import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * Text folding for comparisons that ignore case and Vietnamese accents: "Nguyễn Đức" and "nguyen duc" are the
 * same search. `foldText` folds in JavaScript; `foldSql` folds a column the same way inside a query, with
 * `translate()` rather than the `unaccent` extension, which PGlite does not ship.
 */
export function foldText(value: string): string {
  return value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Every precomposed Vietnamese letter (both cases, each tone) and what it folds to, for `translate()`. */
function foldTable(): { from: string; to: string } {
  const marks = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"];
  let from = "";
  let to = "";
  for (const vowel of "aăâeêioôơuưy") {
    for (const mark of marks) {
      for (const letter of [vowel, vowel.toUpperCase()]) {
        const composed = (letter + mark).normalize("NFC");
        // Only single code points: translate() maps one character to one character.
        if ([...composed].length !== 1) continue;
        const plain = foldText(composed);
        if (composed !== plain && !from.includes(composed)) {
          from += composed;
          to += plain;
        }
      }
    }
  }
  return { from: `${from}đĐ`, to: `${to}dd` };
}

const TABLE = foldTable();

/** The column or expression folded in SQL (accents removed, then lower case: ASCII only, so locale-proof). */
export function foldSql(expression: SQLWrapper | SQL): SQL {
  return sql`lower(translate(${expression}, ${TABLE.from}, ${TABLE.to}))`;
}

/** The words of a search, folded and escaped for LIKE (at most eight, so a pasted paragraph stays cheap). */
export function searchWords(query: string | null | undefined): string[] {
  if (!query) return [];
  return foldText(query)
    .split(" ")
    .filter(Boolean)
    .slice(0, 8)
    .map((word) => word.replace(/[\\%_]/g, (c) => `\\${c}`));
}
