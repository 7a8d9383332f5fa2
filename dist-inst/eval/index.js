// The recipe API: `import { derivation, toFile, path, fetchurl } from "cairn"`.
export { derivation } from "./derivation.js";
export { toFile, path_ as path, fetchurl, placeholder } from "./builtins.js";
export { beginEvaluation, endEvaluation, evalState } from "./state.js";
//# sourceMappingURL=index.js.map