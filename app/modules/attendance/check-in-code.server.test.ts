import { describe, expect, it } from "vitest";
import {
  CODE_STEP_MS,
  codeRotatesAt,
  codeStep,
  deriveCode,
  isCodeValid,
  isTicketValid,
  issueTicket,
  newSessionSecret,
  TICKET_TTL_MS,
} from "./check-in-code.server";

const sessionId = "0b6f2f64-62c1-4d6b-9a4e-3f2a1a0c9d11";

describe("rotating check-in code", () => {
  it("changes every 30 seconds, by the clock it is given", () => {
    const secret = newSessionSecret();
    const t0 = new Date(Date.UTC(2026, 2, 2, 11, 0, 0));
    const code = deriveCode(secret, sessionId, codeStep(t0));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(deriveCode(secret, sessionId, codeStep(new Date(t0.getTime() + 29_999)))).toBe(code);
    expect(deriveCode(secret, sessionId, codeStep(new Date(t0.getTime() + CODE_STEP_MS)))).not.toBe(code);
    expect(codeRotatesAt(new Date(t0.getTime() + 10_000)).getTime()).toBe(t0.getTime() + CODE_STEP_MS);
  });

  it("depends on the session's secret and on the session", () => {
    const step = codeStep(new Date());
    const secret = newSessionSecret();
    expect(deriveCode(secret, sessionId, step)).not.toBe(deriveCode(newSessionSecret(), sessionId, step));
    expect(deriveCode(secret, sessionId, step)).not.toBe(
      deriveCode(secret, "5c0d6c8e-1111-4d6b-9a4e-3f2a1a0c9d11", step),
    );
  });

  it("accepts the current and the previous code only", () => {
    const secret = newSessionSecret();
    const t0 = new Date(Date.UTC(2026, 2, 2, 11, 0, 5));
    const code = deriveCode(secret, sessionId, codeStep(t0));
    expect(isCodeValid(secret, sessionId, code, t0)).toBe(true);
    expect(isCodeValid(secret, sessionId, code.toLowerCase(), t0)).toBe(true);
    expect(isCodeValid(secret, sessionId, code, new Date(t0.getTime() + CODE_STEP_MS))).toBe(true);
    expect(isCodeValid(secret, sessionId, code, new Date(t0.getTime() + 2 * CODE_STEP_MS))).toBe(false);
    expect(isCodeValid(secret, sessionId, code, new Date(t0.getTime() - CODE_STEP_MS))).toBe(false);
    expect(isCodeValid(secret, sessionId, "AAAAAAAA", t0)).toBe(false);
    expect(isCodeValid(secret, sessionId, "", t0)).toBe(false);
  });

  it("a ticket proves a scan for five minutes and cannot be forged", () => {
    const secret = newSessionSecret();
    const at = new Date();
    const ticket = issueTicket(secret, sessionId, at);
    expect(isTicketValid(secret, sessionId, ticket, new Date(at.getTime() + TICKET_TTL_MS - 1))).toBe(true);
    expect(isTicketValid(secret, sessionId, ticket, new Date(at.getTime() + TICKET_TTL_MS + 1))).toBe(false);
    expect(isTicketValid(newSessionSecret(), sessionId, ticket, at)).toBe(false);
    const [stamp, mac] = ticket.split(".");
    expect(isTicketValid(secret, sessionId, `${Number(stamp) + 60_000}.${mac}`, new Date(at.getTime() + 60_000))).toBe(
      false,
    );
    expect(isTicketValid(secret, sessionId, "garbage", at)).toBe(false);
  });
});
