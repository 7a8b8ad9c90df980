import { readdirSync, readFileSync } from "node:fs";

/**
 * A process and its children (a cluster primary and its workers), from the kernel's list of each thread's
 * children; an ended process gives what is left.
 */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (children) pids.push(...children.split(" ").map(Number));
    }
  } catch {
    // the process has gone
  }
  return pids;
}
