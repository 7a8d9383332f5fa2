// Builds a plan with up to N builds at once. Each output is built at most once across processes:
// its claim in LMDB is taken before the build, and a process finding it claimed by another live
// one waits (without holding a job slot) and then uses the result. After a failure, dependents
// are skipped; with keepGoing (the default) independent builds still start. Nix: Worker.
import path from "node:path";
import { CairnError } from "../store/format/index.js";
import { readDerivation } from "../store/derivations.js";
import { ownerTag } from "../store/process-id.js";
import { makePlan } from "./plan.js";
import { substituteGraph } from "./substitution.js";
import { BuildFailure, inputClosure, runGoal, settleRemovals } from "./goal.js";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** How many ready builds' outputs a claim transaction takes in advance (see claimAhead). */
const CLAIM_AHEAD = 8;
export async function buildDerivations(store, wanted, opts) {
    const ev = opts.events ?? {};
    const signal = opts.signal ?? new AbortController().signal;
    const force = opts.check ? new Set(wanted) : new Set();
    if (opts.substitute !== undefined) {
        await substituteGraph(wanted, (p) => readDerivation(store, p), (p) => store.isValidPath(p), opts.substitute, opts.knownOutputs, (r) => ev.substituted?.(r));
    }
    // Temp roots on every output this run may use (as Nix's goals take them), taken before their
    // validity counts: a concurrent gc must not delete an output between "valid" and its use.
    store.addTempRoots(wanted.flatMap((w) => [...(opts.knownOutputs?.(w)?.values() ?? [])]));
    let plan = makePlan(wanted, (p) => readDerivation(store, p), (p) => store.isValidPath(p), force, opts.knownOutputs);
    for (let round = 0;; round++) {
        const all = [...plan.outputsOf.values()].flatMap((m) => [...m.values()]);
        const validBefore = all.filter((p) => store.isValidPath(p));
        // The .drv files of the builds too: one transaction here instead of one per build.
        store.addTempRoots([...all, ...plan.nodes.map((n) => n.drvPath)]);
        if (validBefore.every((p) => store.isValidPath(p)) || round === 3)
            break;
        plan = makePlan(wanted, (p) => readDerivation(store, p), (p) => store.isValidPath(p), force, opts.knownOutputs);
    }
    ev.planned?.(plan.nodes);
    const summary = { outputs: new Map(), built: [], builtOutputs: [], failed: [], skipped: [] };
    for (const w of wanted)
        summary.outputs.set(w, plan.outputsOf.get(w));
    const buildsDir = path.join(store.layout.root, "var/cairn/builds");
    const dependents = new Map();
    const waitingOn = new Map();
    for (const n of plan.nodes) {
        waitingOn.set(n.drvPath, n.deps.length);
        for (const d of n.deps)
            (dependents.get(d) ?? dependents.set(d, []).get(d)).push(n.drvPath);
    }
    const byPath = new Map(plan.nodes.map((n) => [n.drvPath, n]));
    const ready = plan.nodes.filter((n) => n.deps.length === 0).map((n) => n.drvPath);
    const dead = new Set();
    let running = 0;
    let stop = false;
    let wake;
    const poke = () => wake?.();
    const skipFrom = (drvPath) => {
        const todo = [...(dependents.get(drvPath) ?? [])];
        while (todo.length) {
            const d = todo.pop();
            if (dead.has(d))
                continue;
            dead.add(d);
            summary.skipped.push(d);
            ev.skipped?.(d, drvPath);
            todo.push(...(dependents.get(d) ?? []));
        }
    };
    const settings = { ...opts, signal };
    // Claim-ahead: the transaction that claims one build's outputs also claims those of the next few
    // ready builds (each all-or-nothing, skipped when another process holds one), so most builds
    // start without a commit of their own. Claims not used are released at the end.
    const claimTmp = path.join(buildsDir, ownerTag());
    const heldAhead = new Set();
    const claimAhead = () => {
        const groups = [];
        for (const d of ready) {
            if (groups.length >= CLAIM_AHEAD)
                break;
            if (dead.has(d) || force.has(d))
                continue;
            const outs = [...byPath.get(d).outputs.values()].filter((p) => !heldAhead.has(p) && !store.isValidPath(p));
            if (outs.length > 0)
                groups.push(outs);
        }
        return groups;
    };
    const runNode = async (node) => {
        const { drvPath } = node;
        const check = force.has(drvPath);
        // Claim every missing output; if another live process holds one, wait for it.
        const missing = new Set([...node.outputs.values()].filter((p) => check || !store.isValidPath(p)));
        const claimed = [];
        if (!check && missing.size > 0 && [...missing].every((p) => heldAhead.has(p))) {
            // Claimed when an earlier build started: ours since, so still missing.
            for (const p of missing)
                (heldAhead.delete(p), claimed.push(p));
        }
        else if (!check) {
            for (;;) {
                if (signal.aborted)
                    throw new BuildFailure("cancelled", `build of '${drvPath}' was cancelled`);
                const ahead = claimAhead();
                const got = store.tryClaimGroups([[...missing], ...ahead], claimTmp);
                const r = got[0];
                for (const g of got.slice(1))
                    for (const [p, v] of g)
                        if (v === "claimed")
                            heldAhead.add(p);
                let busy;
                for (const [p, v] of r) {
                    if (v === "valid")
                        missing.delete(p);
                    else if (v === "claimed")
                        claimed.push(p);
                    else
                        busy ??= p;
                }
                if (busy === undefined) {
                    for (const p of claimed)
                        heldAhead.delete(p);
                    break;
                }
                ev.waiting?.(drvPath, busy);
                running--;
                poke();
                await sleep(opts.pollMs ?? 100);
                // Waiting does not hold a job slot; take one again before going on.
                while (running >= opts.maxJobs)
                    await new Promise((r) => slotWaiters.push(r));
                running++;
            }
            if (missing.size === 0) {
                ev.finished?.(drvPath, "by-other");
                return;
            }
        }
        try {
            ev.started?.(drvPath);
            store.addTempRoot(drvPath);
            const inputs = inputClosure(store, node.drv, (p) => plan.outputsOf.get(p) ?? new Map());
            await runGoal(store, buildsDir, drvPath, node.drv, inputs, missing, settings, {
                log: (d, l) => ev.log?.(d, l),
                note: (d, t) => ev.note?.(d, t),
            });
            summary.built.push(drvPath);
            if (!check)
                summary.builtOutputs.push(...missing);
            ev.finished?.(drvPath, check ? "checked" : "built");
        }
        finally {
            store.releaseClaims(claimed);
        }
    };
    const slotWaiters = [];
    const active = new Set();
    const startNext = () => {
        while (!stop && ready.length > 0 && running < opts.maxJobs && !signal.aborted) {
            const drvPath = ready.shift();
            if (dead.has(drvPath))
                continue;
            running++;
            const node = byPath.get(drvPath);
            const p = runNode(node)
                .then(() => {
                for (const d of dependents.get(drvPath) ?? []) {
                    const left = waitingOn.get(d) - 1;
                    waitingOn.set(d, left);
                    if (left === 0 && !dead.has(d))
                        ready.push(d);
                }
            })
                .catch((e) => {
                const err = e instanceof CairnError ? e : new CairnError("E_BUILD_FAILED", `building '${drvPath}': ${e.message}`, { path: drvPath });
                const kind = e instanceof BuildFailure ? e.kind : "failed";
                summary.failed.push({ drvPath, error: err, kind });
                ev.failed?.(drvPath, err);
                skipFrom(drvPath);
                if (!opts.keepGoing)
                    stop = true;
            })
                .finally(() => {
                running--;
                active.delete(p);
                slotWaiters.shift()?.();
                poke();
            });
            active.add(p);
        }
    };
    for (;;) {
        startNext();
        if (active.size === 0)
            break;
        await new Promise((r) => {
            wake = r;
            // Any settled build wakes the loop.
            void Promise.race(active).then(r, r);
        });
        wake = undefined;
    }
    await settleRemovals();
    store.releaseClaims(heldAhead);
    if (signal.aborted && summary.failed.every((f) => f.kind !== "cancelled")) {
        summary.failed.push({ drvPath: wanted[0] ?? "", error: new BuildFailure("cancelled", "build cancelled"), kind: "cancelled" });
    }
    // Anything never started (stopped after a failure, or cancelled) is reported as skipped.
    const built = new Set(summary.built);
    const failed = new Set(summary.failed.map((f) => f.drvPath));
    for (const n of plan.nodes) {
        if (!built.has(n.drvPath) && !failed.has(n.drvPath) && !dead.has(n.drvPath)) {
            const allValid = [...n.outputs.values()].every((p) => store.isValidPath(p));
            if (!allValid && !force.has(n.drvPath))
                summary.skipped.push(n.drvPath);
        }
    }
    return summary;
}
//# sourceMappingURL=scheduler.js.map