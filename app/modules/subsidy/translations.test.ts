import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resources } from "~/lib/i18n";
import type { AnomalyKind } from "./anomalies.server";
import { CLAIM_REVIEW_SCHEMAS } from "./schema";
import {
  BENEFICIARY_KINDS,
  CLAIM_STATUSES,
  COST_CATEGORIES,
  EXTERNAL_KINDS,
  FUNDING_SOURCES,
  LEDGER_KINDS,
} from "./types";

/** Every key the subsidy and files code can show exists in Vietnamese and in English. */

const ROOT = resolve(__dirname, "../../..");
const SOURCES = [
  "app/modules/subsidy",
  "app/modules/files",
  "app/components/subsidy",
  ...readdirSync(join(ROOT, "app/routes"))
    .filter((f) => /^(subsidies|claims)[.]/.test(f))
    .map((f) => `app/routes/${f}`),
];

function sourceText(path: string): string {
  const full = join(ROOT, path);
  if (path.endsWith(".tsx") || path.endsWith(".ts")) return readFileSync(full, "utf8");
  return readdirSync(full)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts"))
    .map((f) => readFileSync(join(full, f), "utf8"))
    .join("\n");
}

function lookup(tree: unknown, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>(
      (node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
      tree,
    );
}

const dynamicKeys = [
  ...FUNDING_SOURCES.map((s) => `subsidies.fundingSources.${s}`),
  ...BENEFICIARY_KINDS.map((s) => `subsidies.beneficiaryKinds.${s}`),
  ...COST_CATEGORIES.map((s) => `subsidies.costCategories.${s}`),
  ...CLAIM_STATUSES.map((s) => `subsidies.statuses.${s}`),
  ...LEDGER_KINDS.map((s) => `subsidies.ledgerKinds.${s}`),
  ...EXTERNAL_KINDS.map((s) => `subsidies.externalKinds.${s}`),
  ...["platform", "external"].map((s) => `subsidies.routes.${s}`),
  ...["invoice", "certificate", "other"].map((s) => `subsidies.fileKinds.${s}`),
  ...[...Object.keys(CLAIM_REVIEW_SCHEMAS), "resubmit"].map((s) => `subsidies.claims.saved.${s}`),
  ...(["perClaim", "perHour", "perBeneficiaryYear"] as const).flatMap((k) => [
    `subsidies.calculation.caps.${k}`,
    `subsidies.decision.limitedBy.${k}`,
  ]),
  ...(["duplicateCourse", "overlappingTraining", "overCap", "startupTooOld"] satisfies AnomalyKind[]).flatMap((k) =>
    ["title", "intro", "detail"].map((p) => `subsidies.anomalies.kinds.${k}.${p}`),
  ),
  ...["estimated", "earned", "forfeited", "paid"].map((s) => `subsidies.cohortPage.status.${s}`),
  "subsidies.decision.earned",
  "subsidies.decision.forfeited",
  "subsidies.facts.membershipRoles.member",
  "subsidies.facts.membershipRoles.admin",
];

describe("subsidy translations", () => {
  const text = SOURCES.map(sourceText).join("\n");
  const staticKeys = [
    ...new Set([...text.matchAll(/["'`]((?:subsidies|files)\.[A-Za-z0-9_.-]+[A-Za-z0-9_])["'`]/g)].map((m) => m[1])),
  ];

  it("finds the keys it checks", () => {
    expect(staticKeys.length).toBeGreaterThan(200);
  });

  it.each(["vi", "en"] as const)("has every key in %s, as a non-empty text", (language) => {
    const tree = resources[language].translation;
    const missing = [...staticKeys, ...dynamicKeys].filter((key) => {
      const value = lookup(tree, key);
      return typeof value !== "string" || value.trim() === "";
    });
    expect(missing).toEqual([]);
  });

  it("uses the same placeholders in both languages", () => {
    const placeholders = (s: unknown) => [...String(s).matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    const different = [...staticKeys, ...dynamicKeys].filter(
      (key) =>
        JSON.stringify(placeholders(lookup(resources.vi.translation, key))) !==
        JSON.stringify(placeholders(lookup(resources.en.translation, key))),
    );
    expect(different).toEqual([]);
  });
});
