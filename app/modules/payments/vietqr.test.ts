import { describe, expect, it } from "vitest";
import { findTransferReference, newTransferReference } from "./references";
import { parseBankStatementCsv, parseVndAmount } from "./statement";
import { buildVietQrPayload, crc16Ccitt, hasValidCrc, parseTlv } from "./vietqr";

describe("VietQR payload", () => {
  it("computes CRC16-CCITT (0x1021, init 0xFFFF) as the format asks", () => {
    // The standard check value of CRC-16/CCITT-FALSE.
    expect(crc16Ccitt("123456789")).toBe("29B1");
  });

  it("builds the NAPAS EMVCo fields, read back TLV by TLV, with a valid CRC", () => {
    const payload = buildVietQrPayload({
      bankBin: "970436",
      accountNumber: "1023456789",
      amountVnd: 450_000,
      purpose: "SA7K3M9QXZ",
    });
    expect(hasValidCrc(payload)).toBe(true);
    const fields = Object.fromEntries(parseTlv(payload).map((f) => [f.id, f.value]));
    expect(fields["00"]).toBe("01");
    expect(fields["01"]).toBe("12");
    expect(fields["53"]).toBe("704");
    expect(fields["54"]).toBe("450000");
    expect(fields["58"]).toBe("VN");
    expect(fields["63"]).toMatch(/^[0-9A-F]{4}$/);
    expect(payload.endsWith(`6304${fields["63"]}`)).toBe(true);
    const merchant = Object.fromEntries(parseTlv(fields["38"]).map((f) => [f.id, f.value]));
    expect(merchant["00"]).toBe("A000000727");
    expect(merchant["02"]).toBe("QRIBFTTA");
    const beneficiary = Object.fromEntries(parseTlv(merchant["01"]).map((f) => [f.id, f.value]));
    expect(beneficiary).toEqual({ "00": "970436", "01": "1023456789" });
    const additional = Object.fromEntries(parseTlv(fields["62"]).map((f) => [f.id, f.value]));
    expect(additional["08"]).toBe("SA7K3M9QXZ");
    // Any change to the payload breaks the CRC.
    expect(hasValidCrc(payload.replace("450000", "450001"))).toBe(false);
  });

  it("refuses amounts that are not whole positive đồng and a malformed BIN", () => {
    expect(() => buildVietQrPayload({ bankBin: "970436", accountNumber: "1", amountVnd: 0, purpose: "SA" })).toThrow();
    expect(() =>
      buildVietQrPayload({ bankBin: "970436", accountNumber: "1", amountVnd: 10.5, purpose: "SA" }),
    ).toThrow();
    expect(() => buildVietQrPayload({ bankBin: "9704", accountNumber: "1", amountVnd: 10, purpose: "SA" })).toThrow();
  });
});

describe("transfer references and bank statements", () => {
  it("makes short unique references and finds them inside a bank's description", () => {
    const refs = new Set(Array.from({ length: 500 }, newTransferReference));
    expect(refs.size).toBe(500);
    for (const ref of refs) expect(ref).toMatch(/^SA[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(findTransferReference("MBVCB.123456.NGUYEN VAN A chuyen tien SA7K3M9QXZ hoc phi")).toBe("SA7K3M9QXZ");
    expect(findTransferReference("IBFT sa7k3m9qxz")).toBe("SA7K3M9QXZ");
    expect(findTransferReference("thanh toan SA 7K3M-9QXZ")).toBe("SA7K3M9QXZ");
    expect(findTransferReference("chuyen tien an trua")).toBeNull();
  });

  it("reads amounts with dots or commas between thousands", () => {
    expect(parseVndAmount("1.500.000")).toBe(1_500_000);
    expect(parseVndAmount("1,500,000")).toBe(1_500_000);
    expect(parseVndAmount("1 500 000 VND")).toBe(1_500_000);
    expect(parseVndAmount("450000.00")).toBe(450_000);
    expect(parseVndAmount("1.500.000,00")).toBe(1_500_000);
    expect(parseVndAmount("12,5")).toBeNull();
    expect(parseVndAmount("abc")).toBeNull();
  });

  it("reads a Vietnamese bank's CSV (title rows, semicolons, quoted cells, debit lines)", () => {
    const csv = [
      "\uFEFFSAO KÊ TÀI KHOẢN;;;;",
      "Số tài khoản: 1023456789;;;;",
      "STT;Ngày giao dịch;Số tiền ghi nợ;Số tiền ghi có;Nội dung giao dịch",
      '1;28/11/2026 09:15;;450.000;"MBVCB.1.NGUYEN VAN A; SA7K3M9QXZ"',
      "2;28/11/2026;200.000;;Phi dich vu",
      "3;2026-11-29;1,050,000;;",
    ].join("\r\n");
    const parsed = parseBankStatementCsv(csv);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { line: 4, bookedOn: "2026-11-28", amountVnd: 450_000, description: "MBVCB.1.NGUYEN VAN A; SA7K3M9QXZ" },
    ]);

    const english = parseBankStatementCsv('Date,Description,Amount\n2026-11-28,Transfer SA7K3M9QXZ,"450,000"\n');
    expect(english.rows[0]).toMatchObject({ bookedOn: "2026-11-28", amountVnd: 450_000 });
    expect(parseBankStatementCsv("a,b\n1,2").errors[0].messageKey).toBe("payments.statement.noHeader");
  });
});
