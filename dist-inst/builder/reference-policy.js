// allowedReferences, disallowedReferences, allowedRequisites, disallowedRequisites: checked on the
// references found in each output before it is registered. Pure. Nix: checkOutputs in
// local-derivation-goal.cc (entries may be store paths or names of this derivation's outputs).
import { CairnError } from "../store/format/index.js";
import { words } from "./request.js";
const KINDS = ["allowedReferences", "disallowedReferences", "allowedRequisites", "disallowedRequisites"];
/**
 * The checks for each output: from the environment (non-structured: whitespace-separated lists
 * that apply to every output) or from `outputChecks.<output>` of structured attributes.
 */
export function outputChecksOf(env, outputs) {
    const out = new Map();
    const json = env.get("__json");
    if (json === undefined) {
        const c = {};
        for (const k of KINDS) {
            const v = env.get(k);
            if (v !== undefined)
                c[k] = words(v);
        }
        for (const o of outputs)
            out.set(o, c);
        return out;
    }
    const attrs = JSON.parse(json);
    for (const o of outputs) {
        const spec = attrs.outputChecks?.[o];
        const c = {};
        if (spec !== undefined) {
            for (const k of KINDS) {
                const v = spec[k];
                if (v === undefined)
                    continue;
                if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
                    throw new CairnError("E_BAD_DERIVATION", `outputChecks.${o}.${k} must be a list of strings`);
                }
                c[k] = v;
            }
        }
        out.set(o, c);
    }
    return out;
}
/**
 * Throws when output `path` (named `name`) breaks a check. `references` are its direct references,
 * `requisites` its closure (itself included, as Nix), `outputPaths` this derivation's outputs.
 */
export function enforceOutputChecks(name, path, checks, references, requisites, outputPaths) {
    const resolve = (list) => new Set(list.map((e) => outputPaths.get(e) ?? e));
    const fail = (kind, p, msg) => {
        throw new CairnError("E_BAD_OUTPUT", `output '${path}' is not allowed to refer to '${p}' (${kind}: ${msg})`, {
            path,
            output: name,
            check: kind,
            reference: p,
        });
    };
    for (const kind of KINDS) {
        const list = checks[kind];
        if (list === undefined)
            continue;
        const set = resolve(list);
        const used = kind.endsWith("References") ? references : requisites();
        for (const p of used) {
            if (kind.startsWith("allowed") && !set.has(p) && p !== path)
                fail(kind, p, "not in the allowed list");
            if (kind.startsWith("disallowed") && set.has(p))
                fail(kind, p, "in the disallowed list");
        }
    }
}
//# sourceMappingURL=reference-policy.js.map