import { randomBytes } from "node:crypto";

/** Crockford base32 without I, L, O, U: easy to read aloud and to type from paper. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A certificate code such as `SA-7K3MQ-9QZ2H` (50 random bits). */
export function generateCertificateCode(): string {
  const bytes = randomBytes(10);
  let chars = "";
  for (const byte of bytes) chars += ALPHABET[byte & 31];
  return `SA-${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** What a person typed (any case, spaces, O for 0 …) as a code to look up, or null when it cannot be one. */
export function normaliseCertificateCode(input: string): string | null {
  const cleaned = input.trim().toUpperCase().replace(/[\s_]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return /^SA-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/.test(cleaned) ? cleaned : null;
}
