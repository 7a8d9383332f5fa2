// Which generations `delete-generations` removes (pure). Nix: src/libstore/profiles.cc
// (deleteOldGenerations, deleteGenerations, deleteGenerationsGreaterThan, deleteGenerationsOlderThan).
import { CairnError } from "../store/format/index.js";
const usage = (why, args) => new CairnError("E_USAGE", `${why}; expected 'old', generation numbers, '+N' (keep the last N) or 'Nd' (older than N days)`, { spec: args });
export function parseDeleteSpec(args) {
    if (args.length === 0)
        throw usage("no generations given", args);
    if (args.length === 1) {
        const a = args[0];
        if (a === "old")
            return { kind: "old" };
        let m = /^\+([0-9]+)$/.exec(a);
        if (m) {
            const n = Number(m[1]);
            if (n === 0)
                throw new CairnError("E_PROFILE_REFUSED", "'+0' would delete the current generation; keep at least one", { spec: a });
            return { kind: "keep", n };
        }
        m = /^([0-9]+)d$/.exec(a);
        if (m)
            return { kind: "older", days: Number(m[1]) };
    }
    const numbers = [];
    for (const a of args) {
        if (!/^[0-9]+$/.test(a))
            throw usage(`'${a}' is not a generation specification`, args);
        numbers.push(Number(a));
    }
    return { kind: "numbers", numbers };
}
/**
 * The generations to delete, oldest first. Refuses (nothing deleted) when the spec names the
 * current generation or a generation that does not exist. `gens` in any order.
 */
export function selectForDeletion(spec, gens, current, now) {
    const sorted = [...gens].sort((a, b) => a.number - b.number);
    const have = new Set(sorted.map((g) => g.number));
    switch (spec.kind) {
        case "old":
            return sorted.map((g) => g.number).filter((n) => n !== current);
        case "numbers": {
            const missing = spec.numbers.filter((n) => !have.has(n));
            if (missing.length > 0) {
                throw new CairnError("E_PROFILE_NO_GENERATION", `generation ${missing[0]} does not exist`, { generation: missing[0], missing });
            }
            if (current !== undefined && spec.numbers.includes(current)) {
                throw new CairnError("E_PROFILE_REFUSED", `cannot delete generation ${current}: it is the current one (switch to another first)`, {
                    generation: current,
                });
            }
            return [...new Set(spec.numbers)].sort((a, b) => a - b);
        }
        case "keep": {
            // As Nix: generations newer than the current one stay; from the current one downwards keep n.
            const desc = [...sorted].reverse();
            let i = current === undefined ? 0 : desc.findIndex((g) => g.number === current);
            if (i < 0)
                i = 0;
            return desc
                .slice(i + spec.n)
                .map((g) => g.number)
                .reverse();
        }
        case "older": {
            // As Nix: keep the newest generation made before the cutoff (it was the live one then).
            const cutoff = now - spec.days * 86400;
            const out = [];
            let canDelete = false;
            for (const g of [...sorted].reverse()) {
                if (canDelete) {
                    if (g.number !== current)
                        out.push(g.number);
                }
                else if (g.created < cutoff)
                    canDelete = true;
            }
            return out.reverse();
        }
    }
}
//# sourceMappingURL=gen-spec.js.map