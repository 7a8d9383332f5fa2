// What a build request needs: the derivations reachable from the wanted ones whose outputs are
// not all valid (a derivation with valid outputs is not entered: its inputs need not exist).
// Pure: derivations and validity come from the caller. Nix: Worker / DerivationGoal's inputs.
import { fromByteString } from "../store/format/index.js";
export function outputsOfDerivation(drv) {
    const m = new Map();
    for (const [n, o] of drv.outputs)
        m.set(fromByteString(n), fromByteString(o.path));
    return m;
}
/**
 * `force`: derivations to build even if valid (`--check` of the wanted ones). The walk is
 * iterative, so deep chains do not exhaust the stack.
 */
export function makePlan(wanted, read, isValid, force = new Set(), known) {
    const outputsOf = new Map();
    const needed = new Map();
    const order = [];
    const state = new Map();
    const stack = wanted.map((drvPath) => ({ drvPath, i: 0 }));
    stack.reverse();
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.inputs === undefined) {
            if (state.has(top.drvPath)) {
                stack.pop();
                continue;
            }
            state.set(top.drvPath, "open");
            // Outputs known from evaluation and all valid: nothing to build, no .drv to read.
            const k = force.has(top.drvPath) ? undefined : known?.(top.drvPath);
            if (k !== undefined && [...k.values()].every(isValid)) {
                outputsOf.set(top.drvPath, k);
                state.set(top.drvPath, "done");
                stack.pop();
                continue;
            }
            const drv = read(top.drvPath);
            const outputs = outputsOfDerivation(drv);
            outputsOf.set(top.drvPath, outputs);
            const valid = [...outputs.values()].every(isValid);
            if (valid && !force.has(top.drvPath)) {
                state.set(top.drvPath, "done");
                stack.pop();
                continue;
            }
            top.node = { drvPath: top.drvPath, drv, outputs, deps: [] };
            top.inputs = [...drv.inputDrvs.keys()].map(fromByteString);
        }
        if (top.i < top.inputs.length) {
            const next = top.inputs[top.i++];
            if (!state.has(next))
                stack.push({ drvPath: next, i: 0 });
            continue;
        }
        const node = top.node;
        node.deps = top.inputs.filter((d) => needed.has(d));
        needed.set(node.drvPath, node);
        order.push(node);
        state.set(node.drvPath, "done");
        stack.pop();
    }
    return { nodes: order, outputsOf };
}
//# sourceMappingURL=plan.js.map