/**
 * Text folding for comparisons that ignore case and Vietnamese accents: catalog search and
 * short-answer quiz questions ("Sở KH&CN" and "so kh cn" are the same answer).
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

/** Folded, with punctuation treated as spaces: "The Mom Test." equals "the mom test". */
export function foldAnswer(value: string): string {
  return foldText(value)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
