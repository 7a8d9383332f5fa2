// Binary caches over HTTP served by nginx (Debian's), WebDAV PUT for uploads, on 127.0.0.1,
// started and stopped here: cairn -> nginx -> cairn, cairn -> nginx -> Nix 2.8, and
// Nix 2.8 -> nginx -> cairn. Skipped without nginx ("needs nginx") unless CAIRN_REQUIRE_NGINX=1.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairnOk, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { comparable, envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, type Closure } from "./helpers.js";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p));
const HAVE_NIX = hasCommand("nix");
const REQUIRE = process.env.CAIRN_REQUIRE_NGINX === "1";
const NIX = ["--extra-experimental-features", "nix-command", "--option", "substituters", ""];

let work: string;
let nginx: ChildProcess | undefined;
let base = "";
let closure: Closure;
let key: { sk: string; pk: string; pub: string };

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, "127.0.0.1", () => (c.end(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

describe.skipIf(!NGINX && !REQUIRE)("http:// caches served by nginx", () => {
  beforeAll(async () => {
    if (!NGINX) throw new Error("CAIRN_REQUIRE_NGINX=1 but nginx is not installed (apt-get install nginx-light or nginx)");
    work = tmpDir("cairn-cache-nginx-");
    const www = path.join(work, "www");
    fs.mkdirSync(path.join(work, "tmp"), { recursive: true });
    fs.mkdirSync(www);
    const port = await freePort();
    const t = path.join(work, "tmp");
    const conf = `
${process.getuid?.() === 0 ? "user root;" : ""}
daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 64; }
http {
  access_log ${work}/access.log;
  client_body_temp_path ${t}/body; proxy_temp_path ${t}/proxy; fastcgi_temp_path ${t}/fcgi; uwsgi_temp_path ${t}/uwsgi; scgi_temp_path ${t}/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location / { dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; }
  }
}
`;
    fs.writeFileSync(path.join(work, "nginx.conf"), conf);
    nginx = spawn(NGINX, ["-e", path.join(work, "error.log"), "-p", work, "-c", path.join(work, "nginx.conf")], { stdio: "ignore" });
    await waitFor(port);
    base = `http://127.0.0.1:${port}`;
    const src = path.join(work, "src-root");
    closure = await makeClosure(src);
    key = writeKey(work, testKey());
  });
  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const done = new Promise((r) => nginx!.on("exit", r));
      nginx.kill("SIGQUIT");
      await done;
    }
    if (work) rmTree(work);
  });

  for (const c of ["none", "xz", "zstd"] as const) {
    it(`${c}: cairn copy --to (PUT) and --from (GET), then nix copy --from the same cache`, async () => {
      const url = `${base}/cairn-${c}`;
      const to = await runCairn(["copy", "--to", url, "--compression", c, "--secret-key-file", key.sk, closure.top], { env: envOf(path.join(work, "src-root")) });
      expect(to.status, to.stderr).toBe(0);
      const dst = path.join(work, `dst-${c}`);
      const from = await runCairn(["copy", "--from", url, "--trusted-public-keys", key.pub, closure.top], { env: envOf(dst) });
      expect(from.status, from.stderr).toBe(0);
      expect(comparable(pathInfos(dst, closure.paths))).toEqual(comparable(pathInfos(path.join(work, "src-root"), closure.paths)));
      expect(verifyClean(dst).problems).toEqual([]);
      if (HAVE_NIX) {
        const R = path.join(work, `nix-${c}`);
        const r = spawnSync("nix", [...NIX, "--option", "require-sigs", "true", "--option", "trusted-public-keys", key.pub, "copy", "--from", url, "--store", `local?root=${R}`, closure.top], { env: { ...process.env, NIX_REMOTE: "" } });
        expect(r.status, r.stderr.toString()).toBe(0);
        const got = JSON.parse(spawnSync("nix", [...NIX, "path-info", "--json", "-r", "--store", `local?root=${R}`, closure.top], { env: { ...process.env, NIX_REMOTE: "" } }).stdout.toString());
        expect(got).toHaveLength(closure.paths.length);
      }
    });
  }

  it.skipIf(!HAVE_NIX)("nix copy --to http:// (PUT to nginx), then cairn copy --from", async () => {
    const nixKey = path.join(work, "nk");
    spawnSync("nix-store", ["--generate-binary-cache-key", "nixhttp-1", nixKey, nixKey + ".pub"]);
    const R = path.join(work, "nix-src");
    fs.mkdirSync(path.join(work, "ntree"));
    fs.writeFileSync(path.join(work, "ntree", "f"), "served by nginx\n");
    const env = { ...process.env, NIX_REMOTE: "" };
    const p = spawnSync("nix-store", ["--store", `local?root=${R}`, "--add", path.join(work, "ntree")], { env }).stdout.toString().trim();
    const up = spawnSync("nix", [...NIX, "copy", "--store", `local?root=${R}`, "--to", `${base}/nix?secret-key=${nixKey}&compression=zstd`, p], { env });
    expect(up.status, up.stderr.toString()).toBe(0);
    const dst = path.join(work, "from-nix");
    cairnOk(["copy", "--from", `${base}/nix`, "--trusted-public-keys", nixKey + ".pub", p], { env: envOf(dst) });
    expect((pathInfos(dst, [p])[0]!.signatures as string[])[0]).toMatch(/^nixhttp-1:/);
  });
});

if (!NGINX && !REQUIRE) {
  describe("http:// caches served by nginx", () => {
    it.skip("needs nginx", () => {});
  });
}
