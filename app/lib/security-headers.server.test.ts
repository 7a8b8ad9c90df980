import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce } from "./security-headers.server";

describe("security headers", () => {
  it("gives every page its own nonce of 16 random bytes, also past a refill of the pool", () => {
    const nonces = Array.from({ length: 600 }, () => createNonce());
    expect(new Set(nonces).size).toBe(600);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it("writes the page's nonce into the policy's script-src and nowhere else", () => {
    const [a, b] = [createNonce(), createNonce()];
    const policy = contentSecurityPolicy(a);
    expect(policy).toContain(`script-src 'self' 'nonce-${a}'; style-src 'self' 'unsafe-inline'`);
    expect(policy.startsWith("default-src 'self'; script-src")).toBe(true);
    expect(policy.split(a)).toHaveLength(2);
    expect(contentSecurityPolicy(b)).toBe(policy.replace(a, b));
    expect(policy).toContain("frame-ancestors 'none'");
  });
});
