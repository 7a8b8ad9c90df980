import { describe, expect, it } from "vitest";
import { csvLine, csvRows } from "./csv.server";

describe("the CSV writer", () => {
  it("neutralises cells a spreadsheet would run as formulas (OWASP), and quotes as RFC 4180 asks", () => {
    const line = csvLine([
      '=HYPERLINK("http://evil.example","Bấm")',
      "+1",
      "-2",
      "@SUM(A1)",
      "\tx",
      "\rx",
      "Nguyễn, Văn A",
      -1_000_000,
      0,
      null,
    ]);
    expect(line).toBe(
      `"'=HYPERLINK(""http://evil.example"",""Bấm"")",'+1,'-2,'@SUM(A1),'\tx,"'\rx","Nguyễn, Văn A",-1000000,0,\r\n`,
    );
  });

  it("writes many rows with CRLF line ends", () => {
    expect(
      csvRows([
        ["a", 1],
        ["b", 2],
      ]),
    ).toBe("a,1\r\nb,2\r\n");
    expect(csvRows([])).toBe("");
  });
});
