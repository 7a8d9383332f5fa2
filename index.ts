// The library: `import { … } from "cairn"`. Recipes use derivation, toFile, path, fetchurl.
export * from "./eval/index.js";
export {
  CairnError,
  isCairnError,
  type ErrorCode,
  parseHash,
  printHash,
  type Hash,
  type HashAlgo,
} from "./store/format/index.js";
