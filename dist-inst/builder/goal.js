// Realising one derivation whose inputs are valid: claim its outputs, prepare a private build
// area, run the builder (sandboxed, unsandboxed, or cairn's builtin fetcher), check what it left,
// copy it into the store and register it. Nix: DerivationGoal / LocalDerivationGoal.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError, compareUtf8, fromByteString, isFixedOutput, parseHash, parseHashAlgo, } from "../store/format/index.js";
import { ownerTag } from "../store/process-id.js";
import { removeTree } from "../store/remove-tree.js";
import { buildRequest, SANDBOX_BUILD_DIR } from "./request.js";
import { etcFiles, SANDBOX_GID, SANDBOX_UID } from "./sandbox/bwrap.js";
import { usablePasta, runSandboxed, runUnsandboxed } from "./sandbox/run.js";
import { checkOutputTrees } from "./output-checks.js";
import { enforceOutputChecks, outputChecksOf } from "./reference-policy.js";
import { LogWriter, logPathOf } from "./log.js";
import { builtinFetchurl } from "./fetchurl.js";
import { diffTrees } from "./tree-diff.js";
import { MountPointPool } from "./mountpoints.js";
export class BuildFailure extends CairnError {
    kind;
    constructor(kind, message, data = {}) {
        super(kind === "timeout" ? "E_TIMEOUT" : kind === "hash-mismatch" ? "E_HASH_MISMATCH" : kind === "check-mismatch" ? "E_CHECK_MISMATCH" : kind === "cancelled" ? "E_CANCELLED" : "E_BUILD_FAILED", message, data);
        this.kind = kind;
    }
}
export function currentSystem() {
    const arch = { x64: "x86_64", arm64: "aarch64", ia32: "i686", riscv64: "riscv64" }[process.arch] ?? process.arch;
    return `${arch}-${process.platform}`;
}
/** The declared hash of a fixed output. */
function fixedOf(drv) {
    if (!isFixedOutput(drv))
        return undefined;
    const o = drv.outputs.get("out");
    const recursive = o.hashAlgo.startsWith("r:");
    return { method: recursive ? "recursive" : "flat", hash: parseHash(o.hash, parseHashAlgo(recursive ? o.hashAlgo.slice(2) : o.hashAlgo)) };
}
/** The store paths a build of `drv` may see: its sources and used input outputs, closed. */
export function inputClosure(store, drv, outputsOf) {
    const roots = [...drv.inputSrcs].map(fromByteString);
    for (const [p, names] of drv.inputDrvs) {
        const outs = outputsOf(fromByteString(p));
        for (const n of names) {
            const o = outs.get(fromByteString(n));
            if (o === undefined)
                throw new CairnError("E_BAD_DERIVATION", `input derivation '${p}' has no output '${n}'`, { path: p });
            roots.push(o);
        }
    }
    // Temp roots first, then the validity checks: a concurrent gc keeps what this build reads.
    store.addTempRoots(roots);
    for (const r of roots) {
        if (!store.isValidPath(r))
            throw new CairnError("E_INVALID_PATH", `input '${r}' is not valid`, { path: r });
    }
    return store.computeClosure(roots);
}
function lstatOrUndefined(p) {
    try {
        return fs.lstatSync(p);
    }
    catch {
        return undefined;
    }
}
/** A private build area: ROOT/var/cairn/builds/<owner>-<random>/{build,store}, mode 0700. */
function makeBuildArea(buildsDir) {
    const top = path.join(buildsDir, `${ownerTag()}-${randomBytes(6).toString("hex")}`);
    try {
        fs.mkdirSync(top, { mode: 0o700 });
    }
    catch (e) {
        if (e.code !== "ENOENT")
            throw e;
        fs.mkdirSync(buildsDir, { recursive: true, mode: 0o755 });
        fs.mkdirSync(top, { mode: 0o700 });
    }
    const area = { top, build: path.join(top, "build"), store: path.join(top, "store") };
    fs.mkdirSync(area.build, { mode: 0o700 });
    fs.mkdirSync(area.store, { mode: 0o755 });
    return area;
}
const sharedEtcs = new Map();
/**
 * The synthetic /etc files, the same for every build (one uid and gid): written once per process
 * into ROOT/var/cairn/builds/<owner>-etc and bound read-only into each sandbox. The garbage
 * collector removes it once its owner is dead, like any build dir; `settleRemovals` removes it.
 */
function sharedEtc(buildsDir) {
    let paths = sharedEtcs.get(buildsDir);
    if (paths !== undefined)
        return paths;
    const dir = path.join(buildsDir, `${ownerTag()}-etc`);
    fs.mkdirSync(buildsDir, { recursive: true, mode: 0o755 });
    fs.rmSync(dir, { recursive: true, force: true }); // a reused pid's leftover cannot be ours
    fs.mkdirSync(dir, { mode: 0o755 });
    const text = etcFiles(SANDBOX_UID, SANDBOX_GID);
    paths = { passwd: path.join(dir, "passwd"), group: path.join(dir, "group"), hosts: path.join(dir, "hosts") };
    for (const k of ["passwd", "group", "hosts"])
        fs.writeFileSync(paths[k], text[k], { mode: 0o444 });
    sharedEtcs.set(buildsDir, paths);
    return paths;
}
const mountPointPools = new Map();
/** This process's pool of input mount points (ROOT/var/cairn/builds/<owner>-mounts). */
function mountPointPool(buildsDir) {
    let pool = mountPointPools.get(buildsDir);
    if (pool === undefined)
        mountPointPools.set(buildsDir, (pool = new MountPointPool(path.join(buildsDir, `${ownerTag()}-mounts`))));
    return pool;
}
/**
 * Build `drvPath` (its inputs valid). The caller holds the claims on `missing` outputs and
 * releases them afterwards.
 */
export async function runGoal(store, buildsDir, drvPath, drv, inputs, missing, settings, events) {
    const platform = fromByteString(drv.platform);
    const builtin = drv.builder.startsWith("builtin:");
    if (!builtin && platform !== settings.system) {
        throw new BuildFailure("failed", `a '${platform}' with features {} is required to build '${drvPath}', but I am a '${settings.system}'`, {
            path: drvPath,
        });
    }
    const fixed = fixedOf(drv);
    const unsandboxed = !settings.sandbox && !builtin;
    if (unsandboxed && store.layout.storeDir !== store.layout.realStoreDir) {
        throw new BuildFailure("failed", `cannot build '${drvPath}' without a sandbox: the store dir '${store.storeDir}' is not where its files are ('${store.layout.realStoreDir}')`);
    }
    const area = makeBuildArea(buildsDir);
    const log = new LogWriter(logPathOf(store.layout.logDir, drvPath));
    let keep = false;
    const materialised = [];
    const mountPoints = [];
    try {
        const req = buildRequest(drvPath, drv, store.storeDir, inputs, { buildCores: settings.buildCores });
        const buildTop = unsandboxed ? area.build : SANDBOX_BUILD_DIR;
        const env = unsandboxed ? req.env.map(([k, v]) => [k, v === SANDBOX_BUILD_DIR || v.startsWith(`${SANDBOX_BUILD_DIR}/`) ? buildTop + v.slice(SANDBOX_BUILD_DIR.length) : v]) : req.env;
        for (const f of req.files)
            fs.writeFileSync(path.join(area.build, f.name), f.bytes, { mode: 0o644 });
        // Where each output appears on the host once the builder is done.
        const outReal = new Map();
        for (const [name, p] of req.outputs) {
            outReal.set(name, unsandboxed ? store.layout.realPath(store.parsePath(p)) : path.join(area.store, path.basename(p)));
            // Unsandboxed builds write straight to the store path: clear unregistered leftovers (we hold the claim).
            if (unsandboxed && !store.isValidPath(p))
                removeTree(outReal.get(name));
        }
        const onOutput = (c) => {
            log.write(c);
            events.log(drvPath, log.lastLine);
        };
        let result;
        if (req.builtin !== undefined) {
            result = await runBuiltin(req, drv, outReal.get("out") ?? "", settings, (t) => events.note(drvPath, t));
        }
        else if (unsandboxed) {
            result = await runUnsandboxed({ builder: req.builder, args: req.args, env, cwd: area.build }, {
                timeoutMs: settings.timeoutMs,
                maxSilentMs: settings.maxSilentMs,
                signal: settings.signal,
                onOutput,
            });
        }
        else {
            const etcPaths = sharedEtc(buildsDir);
            // lstat right before the argv is built: a symlink input is recreated, never bound (§4.2 #2).
            const sandboxInputs = inputs.map((p) => {
                const real = store.layout.realPath(store.parsePath(p));
                const st = lstatOrUndefined(real);
                if (st === undefined)
                    throw new CairnError("E_INVALID_PATH", `input '${p}' is missing from the store`, { path: p });
                if (st.isSymbolicLink())
                    return { path: p, real, symlinkTarget: fs.readlinkSync(real) };
                mountPoints.push(mountPointPool(buildsDir).place(path.join(area.store, path.basename(p)), st.isDirectory() ? "dir" : "file"));
                return { path: p, real };
            });
            let wrapper = [];
            const shareNet = fixed !== undefined;
            if (shareNet) {
                // A fixed-output build with its own builder gets the network only through userspace
                // networking in its own namespace; without pasta it does not run (fail closed).
                let pasta;
                try {
                    pasta = await usablePasta();
                }
                catch (e) {
                    throw new BuildFailure("failed", `cannot build fixed-output derivation '${drvPath}': ${e.message}; not building it without network isolation`, {
                        path: drvPath,
                    });
                }
                wrapper = [pasta, "--config-net", "--quiet", "--"];
            }
            result = await runSandboxed({
                storeDir: store.storeDir,
                storeMount: area.store,
                buildDir: area.build,
                etc: etcPaths,
                inputs: sandboxInputs,
                builder: req.builder,
                args: req.args,
                env,
                uid: SANDBOX_UID,
                gid: SANDBOX_GID,
                shareNet,
            }, { timeoutMs: settings.timeoutMs, maxSilentMs: settings.maxSilentMs, signal: settings.signal, onOutput }, wrapper);
        }
        if (result.cancelled)
            throw new BuildFailure("cancelled", `build of '${drvPath}' was cancelled`, { path: drvPath });
        if (result.timedOut)
            throw new BuildFailure("timeout", `building '${drvPath}' timed out after ${settings.timeoutMs / 1000} seconds`, { path: drvPath });
        if (result.silent) {
            throw new BuildFailure("timeout", `'${drvPath}' timed out after ${settings.maxSilentMs / 1000} seconds of silence`, { path: drvPath });
        }
        if (result.exitCode !== 0) {
            const how = result.signal !== undefined ? `was killed by signal ${result.signal}` : `failed with exit code ${result.exitCode}`;
            const tail = log.lastLines();
            throw new BuildFailure("failed", `builder for '${drvPath}' ${how}${tail.length ? `\nlast ${tail.length} log lines:\n${tail.map((l) => `> ${l}`).join("\n")}` : ""}`, {
                path: drvPath,
                exitCode: result.exitCode,
                log: tail,
            });
        }
        const uid = process.getuid?.() ?? 0;
        const outs = [...req.outputs].map(([name, p]) => ({ name, path: p, real: outReal.get(name) }));
        checkOutputTrees(outs, uid);
        const candidates = [...new Set([...inputs, ...req.outputs.values()])];
        for (const o of outs) {
            const b = { path: o.path, source: o.real, candidates, deriver: drvPath, ...(fixed ? { fixed } : {}) };
            try {
                materialised.push(store.materialiseOutput(b));
            }
            catch (e) {
                if (e instanceof CairnError && e.code === "E_HASH_MISMATCH")
                    throw new BuildFailure("hash-mismatch", e.message, { ...e.data });
                throw e;
            }
        }
        const checks = outputChecksOf(drv.env, outs.map((o) => o.name));
        const newInfos = new Map(materialised.map((m) => [m.info.path, m.info]));
        const requisites = (p) => {
            const seen = new Set();
            const todo = [p];
            while (todo.length) {
                const q = todo.pop();
                if (seen.has(q))
                    continue;
                seen.add(q);
                for (const r of newInfos.get(q)?.references ?? store.queryReferences(q))
                    todo.push(r);
            }
            return [...seen].sort(compareUtf8);
        };
        for (const o of outs) {
            const info = newInfos.get(o.path);
            enforceOutputChecks(o.name, o.path, checks.get(o.name) ?? {}, info.references, () => requisites(o.path), req.outputs);
        }
        if (settings.check) {
            const differs = [];
            for (const m of materialised) {
                const old = store.queryPathInfo(m.info.path);
                if (old !== undefined && old.narHash !== m.info.narHash) {
                    const files = diffTrees(store.realPath(m.info.path), m.tmp);
                    differs.push(`${m.info.path}${files.length ? `: ${files.slice(0, 20).join(", ")}` : ""}`);
                }
            }
            if (differs.length > 0) {
                throw new BuildFailure("check-mismatch", `derivation '${drvPath}' may not be deterministic: output differs\n${differs.join("\n")}`, {
                    path: drvPath,
                    differs,
                });
            }
            return;
        }
        const toInstall = materialised.filter((m) => missing.has(m.info.path));
        const drvOutputs = new Map([...req.outputs].map(([n, p]) => [`${drvPath}!${n}`, p]));
        await store.installOutputs(toInstall, drvOutputs);
        materialised.length = 0;
    }
    catch (e) {
        if (settings.keepFailed && !(e instanceof BuildFailure && e.kind === "cancelled")) {
            keep = true;
            events.note(drvPath, `note: keeping build directory '${area.top}'`);
        }
        throw e;
    }
    finally {
        for (const m of materialised)
            store.discardOutput(m);
        await log.close().catch(() => undefined);
        if (!keep) {
            // Every sandbox process is gone (runSandboxed returned or never started one).
            if (mountPoints.length > 0)
                mountPointPool(buildsDir).reclaim(mountPoints);
            deferRemoval(area.top);
        }
    }
}
const pendingRemovals = new Set();
/**
 * Remove a finished build area on libuv's thread pool (fs.rm never follows symlinks), off the
 * event loop that starts and finishes the other builds; what it cannot remove (a directory the
 * builder made read-only, as a non-root user) goes through removeTree, which makes it writable.
 * `settleRemovals` waits for all of them.
 */
function deferRemoval(dir) {
    const p = fs.promises
        .rm(dir, { recursive: true, force: true })
        .catch(() => {
        try {
            removeTree(dir);
        }
        catch {
            /* left for the garbage collector, which reclaims build areas of dead processes */
        }
    })
        .finally(() => pendingRemovals.delete(p));
    pendingRemovals.add(p);
}
/** Wait for every build area's removal, and remove the shared /etc files (the builds are done). */
export async function settleRemovals() {
    for (const p of sharedEtcs.values())
        deferRemoval(path.dirname(p.passwd));
    sharedEtcs.clear();
    for (const pool of mountPointPools.values()) {
        const dir = pool.dispose();
        if (dir !== undefined)
            deferRemoval(dir);
    }
    mountPointPools.clear();
    while (pendingRemovals.size > 0)
        await Promise.all([...pendingRemovals]);
}
async function runBuiltin(req, drv, dest, settings, note) {
    if (req.builtin !== "fetchurl") {
        throw new BuildFailure("failed", `unsupported builtin builder '${req.builder}' in '${req.drvPath}'`, { path: req.drvPath });
    }
    const env = new Map();
    for (const [k, v] of drv.env)
        env.set(fromByteString(k), fromByteString(v));
    let last = 0;
    await builtinFetchurl(env, dest, {
        signal: settings.signal,
        progress: (got, total) => {
            const now = Date.now();
            if (now - last < 500)
                return;
            last = now;
            note(`fetching ${env.get("url")}: ${(got / 1048576).toFixed(1)}${total ? ` / ${(total / 1048576).toFixed(1)}` : ""} MiB`);
        },
    });
    return { exitCode: 0, timedOut: false, silent: false, cancelled: settings.signal.aborted };
}
//# sourceMappingURL=goal.js.map