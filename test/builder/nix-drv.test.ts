// Nix's own derivations built by cairn: .drv files written by real nix-instantiate (a 3-level
// chain, several outputs with `dev` first, a passAsFile derivation, a busybox builder) are imported
// into a cairn store with CAIRN_STORE_DIR=/nix/store and built by cairn as an unprivileged user
// (nobody) when the tests run as root; the outputs must have the paths, NAR hashes, sizes and
// references that nix-build gives. Live only: needs nix-build (CAIRN_REQUIRE_NIX=1 makes its
// absence a failure).
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, REPO, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { BUSYBOX } from "../helpers/build.js";

const haveNix = hasCommand("nix-build");
const requireNix = process.env.CAIRN_REQUIRE_NIX === "1";
const isRoot = process.getuid?.() === 0;

interface Info {
  path: string;
  narHash: string;
  narSize: number;
  references: string[];
  ultimate?: boolean;
}

describe.runIf(haveNix || requireNix)("Nix's derivations, built by cairn", () => {
  const dir = tmpDir("cairn-nixdrv-");
  afterAll(() => rmTree(dir));

  it("gives the output paths and NAR hashes nix-build gives", () => {
    expect(haveNix, "nix-build is not on PATH (CAIRN_REQUIRE_NIX=1)").toBe(true);
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, "bb/bin"), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(dir, "bb/bin/busybox"));
    fs.copyFileSync(path.join(REPO, "test/fixtures/nix-build/default.nix"), path.join(dir, "default.nix"));
    const nixRoot = path.join(dir, "nix");
    const nixEnv = { ...process.env, NIX_REMOTE: "" };
    const nix = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, ["--store", `local?root=${nixRoot}`, "--option", "substituters", "", ...args], { env: nixEnv, cwd: dir, maxBuffer: 1 << 26 });
      expect(r.status, `${cmd} ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.stdout.toString();
    };
    const nixArgs = ["default.nix", "--arg", "bb", "./bb"];
    const drvs = nix("nix-instantiate", nixArgs).trim().split("\n").map((l) => l.replace(/!.*$/, ""));
    expect(drvs).toHaveLength(4);
    const built = nix("nix-build", [...nixArgs, "--no-out-link", "--option", "sandbox", "true", "--option", "build-users-group", ""]).trim().split("\n");
    // Everything Nix built (both outputs of nix-b), with their infos.
    const outputs = fs.readdirSync(path.join(nixRoot, "nix/store")).filter((n) => /-nix-[a-z]+(-dev)?$/.test(n)).map((n) => `/nix/store/${n}`);
    expect(outputs).toHaveLength(5);
    expect(built.every((b) => outputs.includes(b))).toBe(true);
    const nixInfos = JSON.parse(
      spawnSync("nix", ["--extra-experimental-features", "nix-command", "path-info", "--json", "--store", `local?root=${nixRoot}`, ...outputs], { env: nixEnv }).stdout.toString(),
    ) as Info[];

    // cairn: its own store, logical dir /nix/store, run as nobody when we are root.
    const root = path.join(dir, "cairn");
    fs.mkdirSync(root);
    if (isRoot) spawnSync("chown", ["-R", "65534:65534", root, path.join(dir, "bb")]);
    const cairn = (args: string[]) => {
      const argv = [process.execPath, CLI, ...args];
      const wrapped = isRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", ...argv] : argv;
      const r = spawnSync(wrapped[0]!, wrapped.slice(1), {
        env: { ...process.env, CAIRN_ROOT: root, CAIRN_STORE_DIR: "/nix/store", XDG_CACHE_HOME: path.join(dir, "cache") },
        cwd: dir,
      });
      expect(r.status, `cairn ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.stdout.toString();
    };
    const bbPath = cairn(["add", path.join(dir, "bb")]).trim();
    expect(fs.existsSync(path.join(nixRoot, bbPath))).toBe(true);
    const drvFiles = fs.readdirSync(path.join(nixRoot, "nix/store")).filter((n) => n.endsWith(".drv")).map((n) => path.join(nixRoot, "nix/store", n));
    // Import in dependency order: a, then b, c and paf (import takes inputs given in the same call).
    cairn(["derivation", "import", ...drvFiles]);
    const cairnOut = cairn(["build", ...drvs, "--no-link", "-j", "2"]).trim().split("\n");
    expect(new Set(cairnOut)).toEqual(new Set(built.concat(outputs.filter((o) => o.endsWith("-nix-b")))));
    const cairnInfos = JSON.parse(cairn(["path-info", "--json", ...outputs])) as Info[];
    // `ultimate`: both say the outputs were built locally (Nix: registerOutputs).
    const pick = (i: Info) => ({ path: i.path, narHash: i.narHash, narSize: i.narSize, references: [...i.references].sort(), ultimate: i.ultimate });
    expect(nixInfos.every((i) => i.ultimate === true)).toBe(true);
    expect(cairnInfos.map(pick).sort((x, y) => x.path.localeCompare(y.path))).toEqual(nixInfos.map(pick).sort((x, y) => x.path.localeCompare(y.path)));
    // The busybox tree both added (a path literal for Nix): the same path info, not ultimate.
    const drop = ({ registrationTime: _t, ...rest }: Record<string, unknown>) => rest;
    const nixBb = JSON.parse(spawnSync("nix", ["--extra-experimental-features", "nix-command", "path-info", "--json", "--store", `local?root=${nixRoot}`, bbPath], { env: nixEnv }).stdout.toString()) as Array<Record<string, unknown>>;
    const cairnBb = JSON.parse(cairn(["path-info", "--json", bbPath])) as Array<Record<string, unknown>>;
    expect(cairnBb.map(drop)).toEqual(nixBb.map(drop));
    expect(cairnBb[0]).not.toHaveProperty("ultimate");
  }, 300_000);
});
