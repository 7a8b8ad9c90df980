import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBankStatementCsv, sniffStatementCsv } from "./statement";
import { parseBankStatementFile } from "./statement-file.server";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(process.cwd(), "tests/fixtures/bank-statements", name)));

// Every fixture holds the same three movements, as each bank writes them: Lan's 240 000 ₫ transfer on 28/11
// (reference SA7K3M9QXZ), a fee going out on 29/11 (a debit: not a payment), and Binh's 1 250 000 ₫ on 30/11.
const LAN = { bookedOn: "2026-11-28", amountVnd: 240_000 };
const BINH = { bookedOn: "2026-11-30", amountVnd: 1_250_000 };
const BINH_29 = { bookedOn: "2026-11-29", amountVnd: 1_250_000 };

describe("bank statement exports", () => {
  it.each([
    ["vietcombank.csv", [LAN, BINH_29]],
    ["bidv.csv", [LAN, BINH]],
    ["mb.csv", [LAN, BINH]],
    ["vietinbank.xlsx", [LAN, BINH]],
    ["agribank.xlsx", [LAN, BINH]],
    ["techcombank.xlsx", [LAN, BINH]],
  ])(
    "%s: finds the header under the title block, keeps the credits, leaves out debits and totals",
    async (name, expected) => {
      const parsed = await parseBankStatementFile(fixture(name));
      expect(parsed.errors).toEqual([]);
      expect(parsed.rows.map(({ bookedOn, amountVnd }) => ({ bookedOn, amountVnd }))).toEqual(expected);
      expect(parsed.rows[0].description).toContain("SA7K3M9QXZ");
    },
  );

  it("sniffs the separator on the header line, not on a title line full of commas", () => {
    const text = readFileSync(join(process.cwd(), "tests/fixtures/bank-statements/vietcombank.csv"), "utf8");
    expect(sniffStatementCsv(text)).toEqual({ delimiter: ";", headerLine: 6 });
    // A description holding the separator inside quotes stays one cell.
    expect(parseBankStatementCsv(text).rows[1].description).toBe("IBFT TRAN VAN BINH; hoc phi SAQ2W3E4R5");
  });

  it("reports the line of an unreadable amount or date and keeps the rest", () => {
    const parsed = parseBankStatementCsv(
      ["Sao kê", "Ngày;Ghi có;Nội dung", "28/11/2026;12,5;a", "31/31/x;100.000;b", "29/11/2026;100.000;c"].join("\n"),
    );
    expect(parsed.errors).toEqual([
      { line: 3, messageKey: "payments.statement.badAmount" },
      { line: 4, messageKey: "payments.statement.badDate" },
    ]);
    expect(parsed.rows).toEqual([{ line: 5, bookedOn: "2026-11-29", amountVnd: 100_000, description: "c" }]);
  });

  it("refuses a file with no header in its first lines, and bytes that are not a workbook", async () => {
    expect(parseBankStatementCsv("a;b\n1;2\n").errors[0].messageKey).toBe("payments.statement.noHeader");
    const broken = new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0]);
    expect((await parseBankStatementFile(broken)).errors[0].messageKey).toBe("payments.statement.unreadable");
  });
});
