/** Internal identity of a derivation output, for exact string context. */
export const ORIGIN = Symbol("cairn.origin");
/** Internal: the modulo hash (hex) of a derivation output's derivation, for its dependents. */
export const MODULO = Symbol("cairn.modulo");
export function isDerivationOutput(v) {
    return typeof v === "object" && v !== null && ORIGIN in v;
}
//# sourceMappingURL=values.js.map