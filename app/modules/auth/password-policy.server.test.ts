import { describe, expect, it } from "vitest";
import { AppError } from "~/lib/errors";
import { assertPasswordNotCommon, isCommonPassword } from "./password-policy.server";
import { passwordSchema } from "./schema";

describe("the password policy (NIST SP 800-63B)", () => {
  it.each(["Password12", "12345678901", "password", "qwertyuiop", "iloveyou", "matkhau123", "Dragon2024"])(
    "refuses the common password %s",
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
      const error = (() => {
        try {
          assertPasswordNotCommon(password);
          return null;
        } catch (e) {
          return e as AppError;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 400, messageKey: "validation.passwordTooCommon", field: "password" });
    },
  );

  it("refuses a password made of the person's own address", () => {
    expect(isCommonPassword("nguyenvanan2026", { email: "nguyenvanan@example.vn" })).toBe(true);
  });

  it.each(["correct-horse-battery", "song-lach-tray-99", "HaiPhong-2026", "bien xanh cat ba 2026"])(
    "accepts the uncommon %s",
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
      expect(passwordSchema.safeParse(password).success).toBe(true);
    },
  );

  it("asks for 8 characters and allows long passphrases (128 and more)", () => {
    expect(passwordSchema.safeParse("abcdefg").success).toBe(false);
    expect(passwordSchema.safeParse("ab-cd-ef").success).toBe(true);
    const long = "một cụm từ rất dài ".repeat(8).trim();
    expect(long.length).toBeGreaterThan(128);
    expect(passwordSchema.safeParse(long).success).toBe(true);
  });
});
