// The sandbox escape suite (RELIABILITY.md §4.4, §6 S-*): each builder tries an attack and writes
// what happened to $out; the build itself must succeed and every attack must have been blocked.
// Run as root (the CI situation) and as an unprivileged user (setpriv to nobody).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, rmTree } from "../helpers/cli.js";
import { project } from "../helpers/build.js";
import { narDigest, runNode } from "../helpers/checker.js";

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

interface Mode {
  name: string;
  wrap: string[];
}
const modes: Mode[] = [{ name: "as the invoking user", wrap: [] }];
if (isRoot) modes.push({ name: "as an unprivileged user (nobody)", wrap: ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"] });

function attackRecipe(port: number, secretFile: string, hostSecretDir: string): string {
  // Each attack prints BLOCKED or ESCAPED lines; the builder always succeeds.
  return `const dep = sh("victim-input", "mkdir $out; echo original > $out/file");
const link = path("./secret-link");
const t = (name: string, script: string, extra: Record<string, unknown> = {}) => sh(name, \`exec > $out 2>&1; \${script}; echo END\`, extra);
export const writeInput = t("write-input", \`echo x > \${dep}/file && echo ESCAPED write || echo BLOCKED write; chmod 777 \${dep}/file && echo ESCAPED chmod || echo BLOCKED chmod; mv \${dep}/file \${dep}/g && echo ESCAPED rename || echo BLOCKED rename; rm -f \${dep}/file; [ -e \${dep}/file ] && echo BLOCKED unlink || echo ESCAPED unlink\`);
export const remount = t("remount", \`mount -o remount,bind,rw \${dep} && echo ESCAPED remount || echo BLOCKED remount; echo x > \${dep}/file && echo ESCAPED remount-write || echo BLOCKED remount-write\`);
export const userns = t("userns", \`unshare -Urm true && echo ESCAPED userns || echo BLOCKED userns\`);
export const read = t("read", \`for f in ${secretFile} ${hostSecretDir}/id_rsa /etc/shadow ":OUTSIDE:" $ROOT/var/cairn/db/data.mdb; do cat $f > /dev/null 2>&1 && echo ESCAPED read $f || echo BLOCKED read; done; ls $NIX_STORE | grep -v -e victim-input -e secret-link -e -bb -e read; echo STORE-LISTED\`, { ROOT: ${JSON.stringify(":ROOT:")} , dummy: dep });
export const symlinkInput = t("symlink-input", \`cat \${link} > /dev/null 2>&1 && echo ESCAPED symlink || echo BLOCKED symlink; [ -L \${link} ] && echo BLOCKED is-symlink || echo ESCAPED not-symlink\`);
export const network = t("network", \`echo hi | nc -w 2 127.0.0.1 ${port} && echo ESCAPED tcp || echo BLOCKED tcp; echo hi | nc -w 2 -u 10.0.2.3 53 ; ip link | grep -v -e 'lo:' -e 'link/loopback' | grep -q . && echo ESCAPED iface || echo BLOCKED iface\`);
export const env = t("env", \`env | grep -q -e CAIRN_ -e SECRET_TOKEN -e XDG_ && echo ESCAPED env || echo BLOCKED env; [ "$HOME" = /homeless-shelter ] && [ "$PATH" = /path-not-set ] && echo BLOCKED std-env || echo ESCAPED std-env\`);
export const fds = t("fds", \`n=$(ls /proc/self/fd | grep -v -x -e 0 -e 1 -e 2 -e 3 | wc -l); [ $n = 0 ] && echo BLOCKED fds || { echo ESCAPED fds; ls -l /proc/self/fd; }\`);
export const daemon = t("daemon", \`setsid sleep 31337 & (trap '' TERM; nohup sleep 31338 >/dev/null 2>&1 &) ; echo BLOCKED spawned\`);
export const killall = t("killall", \`kill -9 -1; echo BLOCKED killall\`);
export const fakePath = t("fake-path", \`mkdir $NIX_STORE/fake-path-cairn && echo created-inside; echo BLOCKED fake\`);
export const tty = t("tty", \`tty > /dev/null && echo ESCAPED tty || echo BLOCKED tty; ( : < /dev/tty ) 2>/dev/null && echo ESCAPED devtty || echo BLOCKED devtty\`);
export const uid = t("uid", \`[ $(id -u) != 0 ] && echo BLOCKED uid || echo ESCAPED uid; grep -q '^CapEff:.0000000000000000' /proc/self/status && echo BLOCKED caps || echo ESCAPED caps\`);
`;
}

for (const mode of modes) {
  describe(`sandbox (${mode.name})`, () => {
    const p = project("cairn-sandbox-");
    let server: net.Server;
    let accepts = 0;
    let port = 0;
    const sentinelDir = path.join(p.dir, "home-ssh");
    const secretFile = path.join(p.dir, "secret.txt");
    const sentinel = () => [narDigest(sentinelDir).sha256, fs.readFileSync(secretFile)];
    let before: unknown;
    let results = new Map<string, string>();

    beforeAll(async () => {
      server = net.createServer((s) => {
        accepts++;
        s.destroy();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as net.AddressInfo).port;
      fs.mkdirSync(sentinelDir);
      fs.writeFileSync(path.join(sentinelDir, "id_rsa"), "PRIVATE KEY\n", { mode: 0o600 });
      fs.writeFileSync(secretFile, "top secret\n", { mode: 0o600 });
      fs.symlinkSync(secretFile, path.join(p.dir, "secret-link"));
      // A valid store path that is not an input; written split in two so that the recipe's string
      // context does not make it one.
      fs.writeFileSync(path.join(p.dir, "not-an-input"), "outside\n");
      const outside = spawnSync(process.execPath, [CLI, "add", path.join(p.dir, "not-an-input")], { env: { ...process.env, ...p.env } }).stdout.toString().trim();
      expect(outside).toMatch(/-not-an-input$/);
      const body = attackRecipe(port, secretFile, sentinelDir)
        .replace('":ROOT:"', JSON.stringify(p.root))
        .replace('":OUTSIDE:"', `"${outside.slice(0, -20)}""${outside.slice(-20)}"`);
      const f = p.recipe("attacks.ts", body);
      if (mode.wrap.length > 0) spawnSync("chown", ["-R", `${NOBODY}:${NOBODY}`, p.dir]);
      before = sentinel();
      const r = spawnSync(mode.wrap[0] ?? process.execPath, [...mode.wrap.slice(1), ...(mode.wrap.length ? [process.execPath] : []), CLI, "build", f, "--no-link", "--json", "-j", "2",
        ...["writeInput", "remount", "userns", "read", "symlinkInput", "network", "env", "fds", "daemon", "killall", "fakePath", "tty", "uid"].flatMap((a) => ["-A", a])], {
        env: { ...process.env, ...p.env, SECRET_TOKEN: "hunter2" },
        cwd: p.dir,
        // Extra open fds in the caller (3 and 6 here; cairn's IPC channel to its build spawner
        // takes the spawner's fd 3, so 6 is the one that would reach it): none may reach the builder.
        stdio: ["ignore", "pipe", "pipe", fs.openSync(secretFile, "r"), "ignore", "ignore", fs.openSync(secretFile, "r")],
      });
      expect(r.status, r.stderr.toString()).toBe(0);
      const outs = JSON.parse(r.stdout.toString()) as { drvPath: string; outputs: { out: string } }[];
      results = new Map(outs.map((o) => [path.basename(o.drvPath).slice(33, -4), fs.readFileSync(o.outputs.out, "utf8")]));
    }, 300_000);
    afterAll(() => {
      server.close();
      rmTree(p.dir);
    });

    const expectBlocked = (name: string, n: number) => {
      const text = results.get(name) ?? "";
      expect(text, name).toMatch(/END\n$/);
      expect(text, name).not.toMatch(/ESCAPED/);
      expect((text.match(/BLOCKED/g) ?? []).length, `${name}: ${text}`).toBe(n);
    };

    it("S-1/S-2/S-3: inputs cannot be written, remounted, or escaped through a nested user namespace", () => {
      expectBlocked("write-input", 4);
      expectBlocked("remount", 2);
      expectBlocked("userns", 1);
      expect(results.get("write-input")).toMatch(/Read-only file system/);
    });
    it("S-4/S-8: nothing outside the closure is readable; a symlink input stays a dangling symlink", () => {
      expectBlocked("read", 5);
      // Only the closure (and this build's output) are listed in the store dir.
      const listed = results.get("read")!.split("STORE-LISTED")[0]!.split("\n").filter((l) => /^[a-z0-9]{32}-/.test(l));
      expect(listed).toEqual([]);
      expectBlocked("symlink-input", 2);
    });
    it("S-5: no network: 0 accepts on a host loopback listener, only lo", () => {
      expectBlocked("network", 2);
      expect(accepts).toBe(0);
    });
    it("S-7 and fd hygiene: only the declared environment, no inherited descriptors", () => {
      expectBlocked("env", 2);
      expectBlocked("fds", 1);
    });
    it("S-9/S-22: no process outlives its build; kill -1 stays inside", () => {
      expectBlocked("daemon", 1);
      expectBlocked("killall", 1);
      const left = spawnSync("pgrep", ["-f", "sleep 3133[78]"]).stdout.toString().trim();
      expect(left).toBe("");
      expect(server.listening).toBe(true);
    });
    it("the store dir inside is private: a path created there never reaches the store", () => {
      expectBlocked("fake-path", 1);
      expect(fs.existsSync(path.join(p.root, "store", "fake-path-cairn"))).toBe(false);
    });
    it("S-20 and credentials: no controlling tty, non-root uid, no capabilities", () => {
      expectBlocked("tty", 2);
      expectBlocked("uid", 2);
    });
    it("sentinels unchanged, store verifies", async () => {
      expect(sentinel()).toEqual(before);
      const v = await runNode([CLI, "verify", "--all", "--check-contents"], { env: p.env });
      expect(v.status, v.stderr).toBe(0);
    });
  });
}
