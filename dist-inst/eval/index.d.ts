export { derivation } from "./derivation.js";
export { toFile, path_ as path, fetchurl, placeholder, type FetchurlArgs } from "./builtins.js";
export type { Derivation, DerivationOutput, DerivationAttrs, Value, StructuredValue } from "./values.js";
export { beginEvaluation, endEvaluation, evalState, type EvalStore, type EvalState } from "./state.js";
