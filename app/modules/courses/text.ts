import { foldText } from "~/lib/fold";

/** Lower case, accents removed (one definition, shared with the SQL side in `~/lib/fold`). */
export { foldText };

/** Folded, with punctuation treated as spaces: "The Mom Test." equals "the mom test". */
export function foldAnswer(value: string): string {
  return foldText(value)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
