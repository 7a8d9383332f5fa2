// The seam between evaluation and building, owned by the CLI: the output paths of derivations,
// building those that are not valid yet, with progress on stderr. `build`, `profile install`,
// `shell` and `system` all realise through here.
import os from "node:os";
import { CairnError } from "../store/format/index.js";
import { err } from "./context.js";
const int = (name) => (v) => {
    if (!/^\d+$/.test(v))
        throw new CairnError("E_USAGE", `${name} expects a non-negative integer, not '${v}'`);
    return Number(v);
};
export function addBuildOptions(cmd) {
    return cmd
        .option("-j, --max-jobs <n>", "builds to run at once (env CAIRN_MAX_JOBS; default: the number of cores)", int("--max-jobs"))
        .option("--no-sandbox", "build without isolation (warned; the store dir must be ROOT/store)")
        .option("--sandbox", "build in the bubblewrap sandbox (the default)")
        .option("--keep-failed", "keep the build directory of a failed build")
        .option("--check", "rebuild valid outputs and report whether they differ")
        .option("--timeout <seconds>", "kill a build that runs longer", int("--timeout"))
        .option("--max-silent-time <seconds>", "kill a build silent for longer", int("--max-silent-time"))
        .option("--no-keep-going", "start no new builds after the first failure")
        .option("-v, --verbose", "say why outputs were not substituted from CAIRN_SUBSTITUTERS");
}
export function buildOptionsFrom(ctx, opts) {
    const fromEnv = ctx.env.CAIRN_MAX_JOBS !== undefined ? int("CAIRN_MAX_JOBS")(ctx.env.CAIRN_MAX_JOBS) : undefined;
    return {
        maxJobs: opts.maxJobs ?? fromEnv,
        sandbox: opts.sandbox !== false,
        keepGoing: opts.keepGoing !== false,
        keepFailed: opts.keepFailed === true,
        check: opts.check === true,
        ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
        ...(opts.maxSilentTime !== undefined ? { maxSilentSeconds: opts.maxSilentTime } : {}),
        json: opts.json === true,
        verbose: opts.verbose === true,
    };
}
/** Nix's exit status for a set of failures (Worker::failingExitStatus): 100 + bits. */
export function failingExitStatus(kinds) {
    let mask = 0;
    let buildFailure = false;
    for (const k of kinds) {
        if (k === "failed" || k === "timeout" || k === "hash-mismatch")
            buildFailure = true;
        if (k === "timeout")
            mask |= 0b0001;
        if (k === "hash-mismatch")
            mask |= 0b0010;
        if (k === "check-mismatch")
            mask |= 0b1000;
    }
    if (buildFailure)
        mask |= 0b0100;
    return mask ? mask | 0b1100000 : 1;
}
/**
 * The outputs of `drvPaths` when evaluation gave them all and all are valid (a build run again):
 * then there is nothing to plan, and the builder is not even loaded. Undefined otherwise.
 */
function allValid(store, drvPaths, known) {
    const outs = drvPaths.map((d) => known?.get(d));
    if (outs.some((m) => m === undefined))
        return undefined;
    const paths = outs.flatMap((m) => [...m.values()]);
    // Rooted before they count as valid, as buildDerivations does: a gc may run meanwhile.
    store.addTempRoots(paths);
    if (!paths.every((p) => store.isValidPath(p)))
        return undefined;
    return new Map(drvPaths.map((d, i) => [d, new Map(outs[i])]));
}
export async function runBuild(ctx, store, drvPaths, o = {}) {
    const sandbox = o.sandbox !== false;
    if (sandbox)
        (await import("../builder/sandbox/run.js")).checkSandboxAvailable();
    else if (!o.quiet)
        err("warning: building without a sandbox (--no-sandbox): builds can read and write anything this user can\n");
    const done = o.check ? undefined : allValid(store, drvPaths, o.knownOutputs);
    if (done !== undefined)
        return done;
    const [{ buildDerivations }, { currentSystem }, { BuildProgress }] = await Promise.all([
        import("../builder/scheduler.js"),
        import("../builder/goal.js"),
        import("./progress.js"),
    ]);
    const mode = o.json ? "json" : ctx.stderrIsTTY ? "tty" : "plain";
    const substituter = await substituterFrom(ctx, store, o.verbose === true && !o.quiet);
    const progress = new BuildProgress(mode, o.quiet ? () => { } : err, process.stderr.columns || 100);
    const summary = await ctx.withCancellation((signal) => {
        const opts = {
            maxJobs: Math.max(1, o.maxJobs ?? os.availableParallelism()),
            keepGoing: o.keepGoing !== false,
            sandbox,
            buildCores: 1,
            keepFailed: o.keepFailed === true,
            check: o.check === true,
            timeoutMs: (o.timeoutSeconds ?? 0) * 1000,
            maxSilentMs: (o.maxSilentSeconds ?? 0) * 1000,
            system: currentSystem(),
            signal,
            events: progress.events(),
            ...(o.knownOutputs ? { knownOutputs: (d) => o.knownOutputs.get(d) } : {}),
            ...(substituter ? { substitute: substituter } : {}),
        };
        return buildDerivations(store, drvPaths, opts);
    });
    progress.finish({ built: summary.built.length, failed: summary.failed.length, skipped: summary.skipped.length });
    if (ctx.env.CAIRN_AUTO_OPTIMISE === "1" && summary.builtOutputs.length > 0) {
        // As Nix's auto-optimise-store: hard-link the new outputs' files with identical ones.
        const { optimiseStore } = await import("../gc/optimise.js");
        optimiseStore(store, { paths: summary.builtOutputs });
    }
    if (summary.failed.length > 0) {
        const first = summary.failed[0];
        const n = summary.failed.length;
        const what = first.kind === "cancelled"
            ? "build cancelled"
            : n === 1 && drvPaths.length === 1 && first.drvPath === drvPaths[0]
                ? first.error.message
                : `${n} build${n > 1 ? "s" : ""} failed (first: ${first.error.message})`;
        throw new CairnError(first.error.code, what, {
            ...first.error.data,
            exitStatus: first.kind === "cancelled" ? 130 : failingExitStatus(summary.failed.map((f) => f.kind)),
            failed: summary.failed.map((f) => f.drvPath),
        });
    }
    return summary.outputs;
}
/** CAIRN_SUBSTITUTERS (space-separated cache URLs) with CAIRN_TRUSTED_PUBLIC_KEYS, if set. */
async function substituterFrom(ctx, store, verbose) {
    const caches = (ctx.env.CAIRN_SUBSTITUTERS ?? "").split(/\s+/).filter((u) => u !== "");
    if (caches.length === 0)
        return undefined;
    const { parsePublicKeys } = await import("../store/format/index.js");
    const { substitute } = await import("../store/binary-cache.js");
    const keys = parsePublicKeys(ctx.env.CAIRN_TRUSTED_PUBLIC_KEYS ?? "");
    return async (paths) => {
        const r = await substitute(store, paths, caches, keys);
        for (const [p, from] of r.substituted)
            err(`copied '${p}' from '${from}'\n`);
        if (verbose)
            for (const [p, why] of r.failed)
                err(`not substituting '${p}': ${why.join("; ")}\n`);
        return r;
    };
}
/** The outputs of `drvPaths`, building what is missing (as `cairn build`, without links). */
export function realise(ctx, store, drvPaths, opts = {}) {
    return runBuild(ctx, store, drvPaths, opts);
}
//# sourceMappingURL=realise.js.map