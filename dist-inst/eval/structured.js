// `__structuredAttrs = true`: the attributes as one JSON text, as Nix 2.8 prints it
// (src/libexpr/value-to-json.cc, src/libutil/json.cc): compact, keys sorted by bytes, control
// bytes as \u00XX, floats with 6 significant digits. Input strings are JS strings; the result
// is a JS string (UTF-8 is applied when the .drv is written).
import { compareUtf8 } from "../store/format/bytes.js";
import { CairnError } from "../store/format/errors.js";
import { nixJsonString } from "../store/format/derivation-json.js";
import { scanContext } from "./coerce.js";
import { MODULO, ORIGIN, isDerivationOutput } from "./values.js";
/** C++ `ostream << double` (default precision 6, %g style). */
export function formatJsonFloat(x) {
    if (!Number.isFinite(x))
        return Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
    if (x === 0)
        return Object.is(x, -0) ? "-0" : "0";
    const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
    // %g: scientific when the exponent is below -4 or at least the precision.
    if (exp < -4 || exp >= 6) {
        const [m, e] = x.toExponential(5).split("e");
        const mant = m.includes(".") ? m.replace(/\.?0+$/, "") : m;
        const n = Number(e);
        return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
    }
    const s = x.toFixed(Math.max(0, 5 - exp));
    return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
export function toJson(state, v, ctx, where) {
    switch (typeof v) {
        case "string":
            scanContext(state, v, ctx, where);
            return nixJsonString(v);
        case "number":
            if (Number.isInteger(v)) {
                if (!Number.isSafeInteger(v))
                    throw new CairnError("E_EVAL", `${where}: integer ${v} is beyond 2^53; use a bigint`, { where });
                return String(v);
            }
            return formatJsonFloat(v);
        case "bigint":
            return v.toString();
        case "boolean":
            return v ? "true" : "false";
        case "undefined":
            return "null";
        case "object": {
            if (v === null)
                return "null";
            if (isDerivationOutput(v)) {
                const o = v[ORIGIN];
                ctx.addDrvOutput(o.drvPath, o.outputName, o[MODULO]);
                return nixJsonString(v.outPath);
            }
            if (Array.isArray(v))
                return `[${v.map((x, i) => toJson(state, x, ctx, `${where}[${i}]`)).join(",")}]`;
            const o = v;
            if (typeof o.__toString === "function")
                return toJson(state, o.__toString(o), ctx, where);
            if ("outPath" in o)
                return toJson(state, o.outPath, ctx, where);
            const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(compareUtf8);
            return `{${keys.map((k) => `${nixJsonString(k)}:${toJson(state, o[k], ctx, `${where}.${k}`)}`).join(",")}}`;
        }
    }
    throw new CairnError("E_EVAL", `${where}: cannot convert ${typeof v} to JSON`, { where });
}
//# sourceMappingURL=structured.js.map