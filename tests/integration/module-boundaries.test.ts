import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Domain folders under app/modules import each other in one direction. A helper two domains need goes to app/lib;
 * a pair of domains that import each other is a cycle, and cycles are how a change in one domain breaks another.
 */
const root = resolve(__dirname, "../..");
const modules = join(root, "app/modules");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** domain → domains it imports at run time (type-only imports vanish when compiled and are not counted). */
function domainGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(modules)) {
    const domain = relative(modules, file).split("/")[0];
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)) {
      if (match[1]) continue;
      const spec = match[2];
      const target = spec.startsWith("~/")
        ? join(root, "app", spec.slice(2))
        : spec.startsWith(".")
          ? resolve(dirname(file), spec)
          : null;
      if (!target) continue;
      const rel = relative(modules, target);
      if (rel.startsWith("..")) continue;
      const other = rel.split("/")[0];
      if (other === domain) continue;
      if (!graph.has(domain)) graph.set(domain, new Set());
      graph.get(domain)!.add(other);
    }
  }
  return graph;
}

/** Every cycle, as its domains sorted, found by walking from each domain (the graph has ~20 nodes). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const walk = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) found.add([...path].sort().join(" ↔ "));
      else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const domain of graph.keys()) walk(domain, domain, [domain]);
  return [...found].sort();
}

describe("module boundaries", () => {
  it("no domain helper lives in another domain's folder: ids, search and Vietnam time come from app/lib", () => {
    const offenders = sourceFiles(join(root, "app")).filter(
      (file) =>
        /from\s+["'][^"']*(organisations\/organisations\.server|cohorts\/time)["']/.test(readFileSync(file, "utf8")) &&
        /\b(isUuid|containsPattern|vietnamDate|vietnamInstant|todayInVietnam)\b/.test(readFileSync(file, "utf8")),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(cycles(graph)).toEqual(["a ↔ b ↔ c"]);
  });

  it("domain folders import each other without cycles", () => {
    // The four that used to loop sit in layers: cohorts (a cohort, its sessions, its seats and the state of each
    // place — statuses, history, waitlist and their mails) < attendance < payments < enrollment (a person's way
    // into and out of a cohort, which opens payments and, when a cohort is cancelled, refunds them).
    expect(cycles(domainGraph())).toEqual([]);
  });
});
