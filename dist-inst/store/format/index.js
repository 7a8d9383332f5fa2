// The pure formats: no fs, lmdb, processes, clock or environment.
export * from "./errors.js";
export * from "./bytes.js";
export * from "./base32.js";
export * from "./hash.js";
export * from "./store-path.js";
export * from "./content-address.js";
export * from "./nar.js";
export * from "./nar-reader.js";
export * from "./references.js";
export * from "./derivation.js";
export * from "./derivation-json.js";
export * from "./signature.js";
export * from "./narinfo.js";
//# sourceMappingURL=index.js.map