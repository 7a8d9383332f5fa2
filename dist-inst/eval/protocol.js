// Messages between the main thread (eval/evaluator.ts) and the evaluation thread (eval/worker.ts).
import { CairnError, isCairnError } from "../store/format/errors.js";
/** The selection as objects. */
export function expandSelection(s) {
    return s.attr.map((attr, i) => {
        const drv = {
            name: s.name[i],
            drvPath: s.drvPath[i],
            outPath: s.outPath[i],
            outputName: s.outputName[i],
            all: (s.others[i] ?? [[s.outputName[i], s.outPath[i]]]).map(([outputName, outPath]) => ({ outputName, outPath })),
        };
        return { attr, drv };
    });
}
export function serializeError(e) {
    if (isCairnError(e))
        return { cairn: true, code: e.code, message: e.message, data: structuredClone(e.data) };
    const err = e;
    return { cairn: false, message: String(err?.message ?? e), ...(err?.stack !== undefined ? { stack: err.stack } : {}) };
}
export function deserializeError(e) {
    if (e.cairn)
        return new CairnError(e.code, e.message, e.data);
    return Object.assign(new Error(e.message), e.stack !== undefined ? { stack: e.stack } : {});
}
//# sourceMappingURL=protocol.js.map