// Preloaded into the server by tests/bench/profile.ts (`node --import`): SIGUSR2 starts V8's CPU profiler,
// the next SIGUSR2 stops it and writes the profile to CPU_PROFILE_FILE (then renames it to mark it complete),
// so a profile covers only the requests sent in between, not start-up or warm-up.
import { renameSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const session = new Session();
session.connect();
let running = false;
process.on("SIGUSR2", async () => {
  const file = process.env.CPU_PROFILE_FILE ?? "profile";
  if (!running) {
    running = true;
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    return;
  }
  running = false;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(`${file}.partial`, JSON.stringify(profile));
  renameSync(`${file}.partial`, `${file}.cpuprofile`);
});
