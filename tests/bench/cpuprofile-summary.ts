// npx tsx tests/bench/cpuprofile-summary.ts <file.cpuprofile …> [--top 40] [--inclusive name,name…]
//
// Shares of V8 CPU profiles (`node --cpu-prof`, tests/bench/profile.ts; several files are added up): of the busy time (everything but "(idle)"), the functions
// with the most self time, self time by package (node_modules/<name>, node: internals, the app's own code), and
// the inclusive time of the functions named with --inclusive (time with that function anywhere on the stack,
// counted once per sample).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string", default: "40" },
    inclusive: { type: "string", default: "" },
    callers: { type: "string", default: "" },
    depth: { type: "string", default: "6" },
  },
});

function where(url: string): string {
  if (!url) return "(native/V8)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/build/server/")) return "app (server build)";
  return url.replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, "");
}

const self = new Map<string, number>();
const pkg = new Map<string, number>();
const inclusiveNames = String(args.inclusive).split(",").filter(Boolean);
const inclusive = new Map<string, number>(inclusiveNames.map((n) => [n, 0]));
const callersOf = String(args.callers);
const callerChains = new Map<string, number>();
let total = 0;
let idle = 0;
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i])!;
    const name = node.callFrame.functionName || "(anonymous)";
    total += dt;
    if (name === "(idle)") {
      idle += dt;
      continue;
    }
    const key = `${name} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const p = name.startsWith("(") ? name : where(node.callFrame.url);
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
    if (callersOf && name === callersOf) {
      const chain: string[] = [];
      for (let id = parent.get(node.id); id !== undefined && chain.length < Number(args.depth); id = parent.get(id)) {
        const f = byId.get(id)!.callFrame;
        chain.push(`${f.functionName || "(anonymous)"} ${where(f.url)}:${f.lineNumber + 1}`);
      }
      const key = chain.join(" ← ");
      callerChains.set(key, (callerChains.get(key) ?? 0) + dt);
    }
    if (inclusiveNames.length) {
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const fn = byId.get(id)!.callFrame.functionName;
        if (inclusive.has(fn) && !seen.has(fn)) {
          seen.add(fn);
          inclusive.set(fn, inclusive.get(fn)! + dt);
        }
      }
    }
  }
}
const busy = total - idle;
const pct = (x: number) => `${((100 * x) / busy).toFixed(1).padStart(5)} %`;
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s profiled (shares below are of busy)`);
console.log("\nself time by package");
for (const [k, v] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(v)}  ${k}`);
console.log("\nself time by function");
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) console.log(`${pct(v)}  ${k}`);
if (inclusiveNames.length) {
  console.log("\ninclusive");
  for (const [k, v] of inclusive) console.log(`${pct(v)}  ${k}`);
}
if (callersOf) {
  console.log(`\ncallers of ${callersOf}`);
  for (const [k, v] of [...callerChains].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(v)}  ${k}`);
}
