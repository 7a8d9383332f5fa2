// The library: `import { … } from "cairn"`. Recipes use derivation, toFile, path, fetchurl.
export * from "./eval/index.js";
// From the format modules it needs, not their index: recipes load this on the evaluation thread.
export { CairnError, isCairnError } from "./store/format/errors.js";
export { parseHash, printHash } from "./store/format/hash.js";
//# sourceMappingURL=index.js.map