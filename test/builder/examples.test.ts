// The bundled examples: the bootstrap busybox (fixed output, checked by hash) and the packages
// built with it, in the sandbox; a different busybox is refused with both hashes.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, cairn, rmTree, tmpDir } from "../helpers/cli.js";

describe("examples/packages.ts", () => {
  const dir = tmpDir("cairn-examples-");
  afterAll(() => rmTree(dir));
  const env = { CAIRN_ROOT: path.join(dir, "root"), XDG_CACHE_HOME: path.join(dir, "cache") };

  it("bootstraps busybox and builds the packages; hello runs", () => {
    const prep = spawnSync("bash", [path.join(REPO, "examples/bootstrap/prepare.sh")]);
    expect(prep.status, prep.stderr.toString()).toBe(0);
    const r = cairn(["build", path.join(REPO, "examples/packages.ts"), "-A", "hello", "-A", "libgreet", "-o", path.join(dir, "result")], { env });
    expect(r.status, r.stderr).toBe(0);
    const hello = spawnSync(path.join(dir, "result/bin/hello"));
    expect(hello.stdout.toString()).toMatch(/^Hello from cairn: built in a sandbox from busybox v1\.35/);
    expect(fs.readFileSync(path.join(dir, "result-2-dev/lib/pkgconfig/greet.pc"), "utf8")).toContain(fs.readlinkSync(path.join(dir, "result-2")));
    // The dev output refers to the library, not the other way round.
    const dev = JSON.parse(cairn(["path-info", "--json", fs.readlinkSync(path.join(dir, "result-2-dev"))], { env }).out) as { references: string[] }[];
    expect(dev[0]!.references).toEqual([fs.readlinkSync(path.join(dir, "result-2"))]);
  });

  it("a busybox that is not the pinned one fails the bootstrap with exit 102 and both hashes", () => {
    const copy = path.join(dir, "examples");
    fs.cpSync(path.join(REPO, "examples"), copy, { recursive: true, verbatimSymlinks: true });
    const nar = fs.readFileSync(path.join(copy, "bootstrap/busybox.nar"));
    nar[4096] ^= 1; // one flipped bit inside the busybox binary's bytes
    fs.writeFileSync(path.join(copy, "bootstrap/busybox.nar"), nar);
    const r = cairn(["build", path.join(copy, "bootstrap.ts"), "-A", "busybox", "--no-link"], { env: { ...env, CAIRN_ROOT: path.join(dir, "root2") } });
    expect(r.status).toBe(102);
    expect(r.stderr).toMatch(/specified: sha256-HQSV\/PgXO9v7Qj5uQt71RduDHcAQxi0aEJPTEw2BpFQ=/);
    expect(r.stderr).toMatch(/got: +sha256-/);
  });
});
