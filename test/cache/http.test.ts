// http:// binary caches against a real HTTP server on 127.0.0.1 (node:http, started and stopped
// here): `copy --to` by PUT and `copy --from` by GET, with injected transient failures (HTTP
// 500/503, connections reset mid-body) that must be retried with backoff, and permanent ones
// that must fail with one clear line.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { Layout, LocalStore } from "../../store/index.js";
import { BinaryCache, copyFromCache } from "../../store/binary-cache.js";
import { CairnError, parsePublicKey } from "../../store/format/index.js";
import { comparable, envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, type Closure } from "./helpers.js";

interface Fault {
  /** Which requests: method and a substring of the URL. */
  method: string;
  match: string;
  /** How many matching requests fail before they succeed (Infinity: always). */
  times: number;
  how: "500" | "503" | "403" | "reset" | "cut" | "oversize" | "stall";
}

class CacheServer {
  readonly log: string[] = [];
  faults: Fault[] = [];
  private server!: http.Server;
  url = "";
  constructor(readonly root: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    this.log.push(`${req.method} ${u}`);
    const f = this.faults.find((f) => f.method === req.method && u.includes(f.match) && f.times > 0);
    const file = path.join(this.root, u);
    if (!file.startsWith(this.root + "/")) {
      res.writeHead(400).end();
      return;
    }
    if (f) {
      f.times--;
      if (f.how === "stall") return; // accept, then say nothing
      if (f.how === "reset") {
        req.socket.destroy();
        return;
      }
      if (f.how !== "cut" && f.how !== "oversize") {
        req.resume();
        res.writeHead(Number(f.how)).end("injected");
        return;
      }
    }
    if (req.method === "PUT") {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        fs.writeFileSync(file, Buffer.concat(chunks));
        res.writeHead(201).end();
      });
      return;
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    let data = fs.readFileSync(file);
    // A server that sends more than the narinfo announces (an endless body, cut short here).
    if (f?.how === "oversize") data = Buffer.concat([data, Buffer.alloc(4 << 20)]);
    res.writeHead(200, { "content-length": String(data.length) });
    if (req.method === "HEAD") {
      res.end();
    } else if (f?.how === "cut") {
      // Half the body, then the connection drops.
      res.write(data.subarray(0, data.length >> 1), () => req.socket.destroy());
    } else res.end(data);
  }
}

let work: string;
let src: string;
let closure: Closure;
let key: { sk: string; pk: string; pub: string };
let server: CacheServer;

beforeAll(async () => {
  work = tmpDir("cairn-cache-http-");
  src = path.join(work, "src-root");
  closure = await makeClosure(src);
  key = writeKey(work, testKey());
  server = new CacheServer(path.join(work, "served"));
  fs.mkdirSync(server.root);
  await server.start();
});
afterAll(async () => {
  await server.stop();
  rmTree(work);
});

describe("http:// binary cache", () => {
  for (const compression of ["zstd", "xz", "none"] as const) {
    it(`${compression}: copy --to by PUT and --from by GET, through injected 500s, resets and cut bodies`, async () => {
      const url = `${server.url}/${compression}`;
      server.faults = [
        { method: "PUT", match: ".narinfo", times: 2, how: "500" },
        { method: "PUT", match: "/nar/", times: 1, how: "reset" },
        { method: "HEAD", match: ".narinfo", times: 1, how: "503" },
      ];
      const to = await runCairn(["copy", "--to", url, "--compression", compression, "--secret-key-file", key.sk, "--json", closure.top], { env: envOf(src) });
      expect(to.status, to.stderr).toBe(0);
      expect(JSON.parse(to.out).copied).toHaveLength(closure.paths.length);
      expect(to.stderr).toMatch(/retrying PUT .*\.narinfo \(attempt 2\): HTTP 500/);
      expect(server.faults.every((f) => f.times === 0)).toBe(true);
      expect(fs.readFileSync(path.join(server.root, compression, "nix-cache-info"), "utf8")).toBe("StoreDir: /nix/store\n");

      server.faults = [
        { method: "GET", match: ".narinfo", times: 2, how: "500" },
        { method: "GET", match: "/nar/", times: 2, how: "cut" },
        { method: "GET", match: "/nar/", times: 1, how: "reset" },
      ];
      const dst = path.join(work, `dst-${compression}`);
      const from = await runCairn(["copy", "--from", url, "--trusted-public-keys", key.pub, "-j", "3", closure.top], { env: envOf(dst) });
      expect(from.status, from.stderr).toBe(0);
      expect(from.stderr).toMatch(/retrying GET/);
      expect(server.faults.every((f) => f.times === 0)).toBe(true);
      expect(comparable(pathInfos(dst, closure.paths))).toEqual(comparable(pathInfos(src, closure.paths)));
      expect(verifyClean(dst).problems).toEqual([]);
    });
  }

  it("a cache that keeps failing: one line after the last attempt, nothing registered", async () => {
    server.faults = [{ method: "GET", match: "/nar/", times: Infinity, how: "503" }];
    const dst = path.join(work, "dst-fail");
    const r = await runCairn(["copy", "--from", `${server.url}/zstd`, "--trusted-public-keys", key.pub, closure.top], { env: envOf(dst) });
    server.faults = [];
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^cairn: copy: GET http:\/\/127\.0\.0\.1:\d+\/zstd\/nar\/[a-z0-9]+\.nar\.zst: HTTP 503 \(after 5 attempts\)$/);
    for (const i of pathInfos(dst, closure.paths)) expect(i.valid).toBe(false);
    expect(verifyClean(dst).problems).toEqual([]);
  });

  it("a NAR body larger than announced is cut off and refused, nothing registered", async () => {
    server.faults = [{ method: "GET", match: "/nar/", times: Infinity, how: "oversize" }];
    const dst = path.join(work, "dst-oversize");
    const r = await runCairn(["copy", "--from", `${server.url}/zstd`, "--trusted-public-keys", key.pub, closure.top], { env: envOf(dst) });
    server.faults = [];
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^cairn: copy: http:\/\/127\.0\.0\.1:\d+\/zstd\/nar\/[a-z0-9]+\.nar\.zst is larger than the \d+ bytes its narinfo announces$/);
    for (const i of pathInfos(dst, closure.paths)) expect(i.valid).toBe(false);
  });

  it("a server that accepts and then stalls is aborted after the stall timeout and retried", async () => {
    server.faults = [{ method: "GET", match: ".narinfo", times: Infinity, how: "stall" }];
    const store = LocalStore.open(new Layout(path.join(work, "stall-root"), "/nix/store"));
    try {
      const cache = BinaryCache.open(`${server.url}/zstd`, { stallMs: 300, attempts: 2, backoffMs: 10 });
      const t = performance.now();
      const e = await copyFromCache(store, cache, [closure.top], { trustedKeys: [parsePublicKey(key.pub)] }).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).code).toBe("E_CACHE");
      expect((e as Error).message).toMatch(/\.narinfo: no data for 0\.3 s \(after 2 attempts\)$/);
      expect(performance.now() - t).toBeLessThan(5000);
      expect(store.isValidPath(closure.top)).toBe(false);
    } finally {
      server.faults = [];
      await store.close();
    }
  });

  it("a client error (HTTP 403 on PUT) is not retried", async () => {
    const before = server.log.length;
    server.faults = [{ method: "PUT", match: "nix-cache-info", times: Infinity, how: "403" }];
    const r = await runCairn(["copy", "--to", `${server.url}/forbidden`, closure.top], { env: envOf(src) });
    server.faults = [];
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^cairn: copy: PUT http:\/\/127\.0\.0\.1:\d+\/forbidden\/nix-cache-info: HTTP 403 Forbidden$/);
    expect(server.log.slice(before).filter((l) => l.startsWith("PUT"))).toHaveLength(1);
  });

  it("a connection refused is retried, then reported", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await runCairn(["copy", "--from", `http://127.0.0.1:${port}/none`, closure.top], { env: envOf(path.join(work, "refused")) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/retrying GET .*\(attempt 5\): ECONNREFUSED/);
    expect(r.stderr.trimEnd().split("\n").pop()).toBe(`cairn: copy: GET http://127.0.0.1:${port}/none/nix-cache-info: ECONNREFUSED (after 5 attempts)`);
  });
});
