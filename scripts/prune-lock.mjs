#!/usr/bin/env node
// The registry reachable here serves no builds of some optional native accelerators
// (@cbor-extract/*, some @msgpackr-extract/*), so `npm install` leaves them out of
// package-lock.json while their parents still list them, and `npm ci` then refuses the lock as
// "out of sync". They are optional (cbor-x and msgpackr fall back to JavaScript): drop the
// dangling optional edges. Run after every `npm install` (npm run lock does both).
import fs from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const removed = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    // Node's resolution: nested node_modules first, then each ancestor's, then the top level.
    const parts = key.split("/node_modules/");
    let found = false;
    for (let i = parts.length; i >= 0 && !found; i--) {
      const base = parts.slice(0, i).join("/node_modules/");
      found = (base === "" ? `node_modules/${dep}` : `${base}/node_modules/${dep}`) in lock.packages;
    }
    if (!found) {
      delete pkg.optionalDependencies[dep];
      removed.push(`${key} -> ${dep}`);
    }
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(removed.length ? `pruned ${removed.length} unresolvable optional dependencies:\n  ${removed.join("\n  ")}` : "lock is consistent");
