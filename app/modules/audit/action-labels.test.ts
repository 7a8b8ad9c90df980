import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { affiliationStatusEnum, enrollmentStatusEnum, subsidyClaimStatusEnum } from "#db/schema";
import en from "~/locales/en/audit.json";
import vi from "~/locales/vi/audit.json";

/** Codes built from a status: the prefix and every status it can take. */
const TEMPLATES: Record<string, readonly string[]> = {
  enrollment: enrollmentStatusEnum.enumValues,
  subsidy_claim: subsidyClaimStatusEnum.enumValues,
  affiliation: affiliationStatusEnum.enumValues,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every action code passed to recordAudit in the app's source, with template codes expanded. */
function recordedActions(): Set<string> {
  const codes = new Set<string>();
  for (const file of sourceFiles(resolve(__dirname, "../.."))) {
    const text = readFileSync(file, "utf8");
    // recordAudit(tx, { … }) and recordDataAccess({ … }), the wrapper for reads of data in bulk.
    for (const call of text.matchAll(/\b(?:recordAudit\(\s*\w+\s*,|recordDataAccess\()\s*\{/g)) {
      const body = text.slice(call.index, call.index + 1200);
      const action = /\baction\s*(?::\s*([^\n]+)|,)/.exec(body);
      expect(action, `recordAudit without an action written out in ${file}`).not.toBeNull();
      // `action,` takes the code from a list of pairs written just above the call.
      const expression =
        action![1] ??
        [...text.slice(Math.max(0, call.index - 600), call.index).matchAll(/\["([a-z_]+\.[a-z_-]+)"/g)]
          .map((m) => `"${m[1]}"`)
          .join(" ");
      // Codes are "<record>.<what happened>"; other strings on the line (a ternary's test, the next property) are not.
      const literals = [...expression.matchAll(/"([a-z_]+\.[a-z_-]+)"/g)].map((m) => m[1]);
      const templates = [...expression.matchAll(/`([a-z_]+)\.\$\{[^}]+\}`/g)].map((m) => m[1]);
      expect(
        literals.length + templates.length,
        `cannot read the action code in ${file}: ${expression}`,
      ).toBeGreaterThan(0);
      for (const code of literals) codes.add(code);
      for (const prefix of templates) {
        expect(TEMPLATES[prefix], `unknown action template ${prefix}.\${…} in ${file}`).toBeDefined();
        for (const status of TEMPLATES[prefix]) codes.add(`${prefix}.${status}`);
      }
    }
  }
  return codes;
}

function lookup(messages: Record<string, unknown>, code: string): unknown {
  return code
    .split(".")
    .reduce<unknown>(
      (node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
      messages.actions,
    );
}

describe("audit action labels", () => {
  const codes = [...recordedActions()].sort();

  it("finds the action codes the code base records", () => {
    expect(codes).toContain("payment.paid");
    expect(codes).toContain("attendance.changed");
    expect(codes).toContain("enrollment.confirmed");
    expect(codes.length).toBeGreaterThan(60);
  });

  it("has a Vietnamese and an English label for every action code", () => {
    const missing = codes.flatMap((code) => [
      ...(typeof lookup(vi, code) === "string" && lookup(vi, code) !== "" ? [] : [`vi: ${code}`]),
      ...(typeof lookup(en, code) === "string" && lookup(en, code) !== "" ? [] : [`en: ${code}`]),
    ]);
    expect(missing).toEqual([]);
  });
});
