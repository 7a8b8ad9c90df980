/**
 * VietQR: the NAPAS merchant-presented QR code (EMVCo), a string of TLV fields (two-digit id, two-digit
 * length, value) ending with a CRC16-CCITT checksum. Banking apps in Vietnam read it and fill in the bank,
 * the account, the amount and the transfer note.
 */

export const NAPAS_GUID = "A000000727";
export const SERVICE_TO_ACCOUNT = "QRIBFTTA";

function tlv(id: string, value: string): string {
  if (value.length > 99) throw new Error(`VietQR field ${id} is too long`);
  return `${id}${String(value.length).padStart(2, "0")}${value}`;
}

/** CRC16-CCITT (polynomial 0x1021, initial 0xFFFF, no reflection), as four upper-case hex digits. */
export function crc16Ccitt(input: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(input, "utf8")) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

export type VietQrInput = {
  bankBin: string;
  accountNumber: string;
  amountVnd: number;
  /** The transfer note: the payment's reference. */
  purpose: string;
};

export function buildVietQrPayload(input: VietQrInput): string {
  if (!/^\d{6}$/.test(input.bankBin)) throw new Error("VietQR: the bank BIN has six digits");
  if (!Number.isInteger(input.amountVnd) || input.amountVnd <= 0)
    throw new Error("VietQR: the amount is a positive whole number of đồng");
  const beneficiary = tlv("00", input.bankBin) + tlv("01", input.accountNumber);
  const merchantAccount = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT);
  const body =
    tlv("00", "01") +
    tlv("01", "12") +
    tlv("38", merchantAccount) +
    tlv("53", "704") +
    tlv("54", String(input.amountVnd)) +
    tlv("58", "VN") +
    tlv("62", tlv("08", input.purpose)) +
    "6304";
  return body + crc16Ccitt(body);
}

export type TlvField = { id: string; value: string };

/** Reads a TLV string field by field; throws on a length running past the end. */
export function parseTlv(payload: string): TlvField[] {
  const fields: TlvField[] = [];
  let i = 0;
  while (i < payload.length) {
    const id = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    if (id.length < 2 || !Number.isInteger(length) || i + 4 + length > payload.length)
      throw new Error(`Bad TLV at ${i}`);
    fields.push({ id, value: payload.slice(i + 4, i + 4 + length) });
    i += 4 + length;
  }
  return fields;
}

/** The CRC at the end matches the rest of the payload. */
export function hasValidCrc(payload: string): boolean {
  if (payload.length < 8 || payload.slice(-8, -4) !== "6304") return false;
  return crc16Ccitt(payload.slice(0, -4)) === payload.slice(-4);
}
