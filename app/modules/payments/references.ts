import { randomBytes } from "node:crypto";

/** Crockford-style base32 without I, L, O, U: easy to read out and type into a bank app's note. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A transfer reference: "SA" + 8 base32 characters (40 random bits). */
export function newTransferReference(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `SA${out}`;
}

const REFERENCE_IN_TEXT = /SA[0-9A-HJKMNP-TV-Z]{8}/;

/**
 * Finds a transfer reference inside a bank statement description. Banks upper-case, add their own prefixes
 * and sometimes put spaces or dashes inside what the payer typed ("SA 1234-ABCD").
 */
export function findTransferReference(description: string): string | null {
  const upper = description.toUpperCase();
  const direct = upper.match(REFERENCE_IN_TEXT);
  if (direct) return direct[0];
  const squeezed = upper.replace(/[\s\-_.]/g, "");
  return squeezed.match(REFERENCE_IN_TEXT)?.[0] ?? null;
}
