// Substitution before building: from the wanted derivations down, outputs that a trusted binary
// cache has are fetched instead of built, and a derivation whose outputs all arrive is not
// entered (its inputs need not exist). Nix: SubstitutionGoal, tried before a DerivationGoal builds.
import { fromByteString } from "../store/format/index.js";
import { outputsOfDerivation } from "./plan.js";
export async function substituteGraph(wanted, read, isValid, substituter, known, onResult) {
    const seen = new Set();
    let level = [...wanted];
    while (level.length > 0) {
        const next = [];
        const missing = [];
        const missingOf = new Map();
        for (const d of level) {
            if (seen.has(d))
                continue;
            seen.add(d);
            const outs = known?.(d) ?? outputsOfDerivation(read(d));
            const m = [...outs.values()].filter((p) => !isValid(p));
            if (m.length === 0)
                continue;
            missingOf.set(d, m);
            missing.push(...m);
        }
        if (missing.length === 0)
            break;
        // One call per level, so a cache's narinfos for a whole level are fetched together.
        const r = await substituter(missing);
        onResult?.(r);
        for (const [d, m] of missingOf) {
            if (m.every(isValid))
                continue;
            for (const i of read(d).inputDrvs.keys())
                next.push(fromByteString(i));
        }
        level = next;
    }
}
//# sourceMappingURL=substitution.js.map