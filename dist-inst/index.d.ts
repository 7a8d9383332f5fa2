export * from "./eval/index.js";
export { CairnError, isCairnError, type ErrorCode } from "./store/format/errors.js";
export { parseHash, printHash, type Hash, type HashAlgo } from "./store/format/hash.js";
