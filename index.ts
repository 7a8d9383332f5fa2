// The library: `import { … } from "cairn"`. Recipes use derivation, toFile, path, fetchurl.
export * from "./eval/index.js";
// From the format modules it needs, not their index: recipes load this on the evaluation thread.
export { CairnError, isCairnError, type ErrorCode } from "./store/format/errors.js";
export { parseHash, printHash, type Hash, type HashAlgo } from "./store/format/hash.js";
