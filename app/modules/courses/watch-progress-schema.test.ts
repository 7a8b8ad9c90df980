import { describe, expect, it } from "vitest";
import { WatchProgressSchema } from "./schema";

describe("a watch report from the player", () => {
  it("takes seconds as numbers, within a day", () => {
    expect(WatchProgressSchema.parse({ position: "86398", duration: "3600.5" })).toEqual({
      position: 86398,
      duration: 3600.5,
    });
  });

  it("refuses a blank or spaced-out value instead of reading it as 0 seconds", () => {
    for (const body of [
      { position: "86398", duration: "   " },
      { position: "", duration: "60" },
      { position: "\t", duration: "60" },
      { position: "10" },
      { position: "-1", duration: "60" },
      { position: "10", duration: "90000" },
    ])
      expect(WatchProgressSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});
