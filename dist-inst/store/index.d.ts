export * from "./format/index.js";
export { Layout } from "./layout.js";
export { LocalStore, type PathInfo, type StoreHooks, type AddPathOptions, type NarImport } from "./local-store.js";
export { verifyStore, type VerifyReport, type Problem, type VerifyOptions } from "./verify.js";
export { hashPath, dumpPath, restorePath } from "./nar-fs.js";
export { fsTree } from "./fs-tree.js";
export { FdReader } from "./fd-reader.js";
