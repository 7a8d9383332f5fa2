// CR-1 for `copy --from file://` (RELIABILITY.md §5): SIGKILL at every named point of the import
// (CAIRN_CRASH_AT=<point>:<n>, n = 1..3), then `cairn verify --all --check-contents` must find no
// problem (unregistered garbage allowed), and the same copy run again must complete, leaving a
// clean store and no scratch files.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, type Closure } from "./helpers.js";

const POINTS = ["copy.downloaded", "import.claimed", "import.entry", "import.synced", "import.renamed", "add.registering", "import.registered", "copy.imported"];

let work: string;
let closure: Closure;
let url: string;
let pub: string;

beforeAll(async () => {
  work = tmpDir("cairn-cache-crash-");
  const src = path.join(work, "src-root");
  closure = await makeClosure(src);
  const key = writeKey(work, testKey());
  pub = key.pub;
  url = `file://${work}/cache`;
  cairnOk(["copy", "--to", url, "--compression", "zstd", "--secret-key-file", key.sk, closure.top], { env: envOf(src) });
});
afterAll(() => rmTree(work));

describe("CR-1: crashes during copy --from file://", () => {
  const tally = { runs: 0, killed: 0, violations: 0 };
  for (const point of POINTS) {
    it(`${point} at hits 1..3`, { timeout: 120_000 }, async () => {
      for (let n = 1; n <= 3; n++) {
        const root = path.join(work, `r-${point}-${n}`);
        const args = ["copy", "--from", url, "--trusted-public-keys", pub, "-j", "2", closure.top];
        const r = await runCairn(args, { env: envOf(root, { CAIRN_CRASH_AT: `${point}:${n}` }) });
        tally.runs++;
        if (r.signal === "SIGKILL") tally.killed++;
        else expect(r.status, `${point}:${n} neither killed nor done: ${r.stderr}`).toBe(0);
        const v = verifyClean(root);
        if (v.problems.length > 0) tally.violations++;
        expect(v.problems, `${point}:${n}`).toEqual([]);
        // Whatever was registered has its references registered (verify checks it) and its files.
        const again = await runCairn(args, { env: envOf(root) });
        expect(again.status, again.stderr).toBe(0);
        expect(pathInfos(root, closure.paths).every((i) => i.valid !== false)).toBe(true);
        const after = verifyClean(root);
        expect(after.problems).toEqual([]);
        expect(after.checked).toBe(closure.paths.length);
        const tmp = path.join(root, "var/cairn/tmp");
        expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], "scratch left behind").toEqual([]);
      }
    });
  }
  it("summary", () => {
    console.log(`CR-1 (copy --from): ${tally.runs} runs over ${POINTS.length} sites, ${tally.killed} killed, ${tally.violations} violations`);
    expect(tally.violations).toBe(0);
    expect(tally.killed).toBeGreaterThan(POINTS.length);
  });
});
