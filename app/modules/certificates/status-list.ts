import { gunzipSync, gzipSync } from "node:zlib";

/**
 * W3C Bitstring Status List encoding: a bitstring (index 0 is the left-most, most significant bit of the
 * first byte), GZIP-compressed, then multibase base64url without padding (prefix "u").
 */
export const MIN_STATUS_LIST_SIZE = 131_072;

export function encodeStatusList(size: number, setIndexes: Iterable<number>): string {
  const bytes = new Uint8Array(Math.ceil(size / 8));
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= size)
      throw new RangeError(`status index ${index} out of range`);
    bytes[index >> 3] |= 0x80 >> (index & 7);
  }
  return `u${gzipSync(bytes).toString("base64url")}`;
}

export function decodeStatusList(encodedList: string): Uint8Array {
  if (!encodedList.startsWith("u")) throw new Error("encodedList must be multibase base64url (prefix u)");
  return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), "base64url")));
}

export function statusBit(bits: Uint8Array, index: number): boolean {
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}
