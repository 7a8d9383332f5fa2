export * from "./format/index.js";
export { Layout } from "./layout.js";
export { LocalStore } from "./local-store.js";
export { verifyStore } from "./verify.js";
export { hashPath, dumpPath, restorePath } from "./nar-fs.js";
export { fsTree } from "./fs-tree.js";
export { FdReader } from "./fd-reader.js";
//# sourceMappingURL=index.js.map