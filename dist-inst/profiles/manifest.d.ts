/** Where an element came from, so `profile upgrade` can evaluate it again. */
export interface Origin {
    /** Absolute path of the recipe file. */
    file: string;
    /** Attribute path selected in it ("" for the default export). */
    attr: string;
}
export interface ManifestElement {
    /** Package name as parseDrvName splits it ("hello" of "hello-2.12"). */
    name: string;
    version: string;
    /** Output names installed, aligned with storePaths. */
    outputs: string[];
    storePaths: string[];
    /** Collision priority: the lower number wins (nix-env's meta.priority, default 5). */
    priority: number;
    origin?: Origin;
    drvPath?: string;
}
export interface Manifest {
    version: 1;
    elements: ManifestElement[];
}
export declare const DEFAULT_PRIORITY = 5;
export declare const MANIFEST_FILE = "manifest.json";
export declare const emptyManifest: () => Manifest;
export declare const fullName: (e: Pick<ManifestElement, "name" | "version">) => string;
/** An element for a store path installed directly: its name is the store name. */
export declare function elementForPath(storePath: string, storeName: string, priority?: number): ManifestElement;
/** Canonical bytes: elements sorted by name then version, keys in a fixed order, one trailing newline. */
export declare function printManifest(m: Manifest): string;
export declare function sortElements(es: readonly ManifestElement[]): ManifestElement[];
/** Parse and check a manifest.json; `where` names it in errors. */
export declare function parseManifest(text: string, where: string): Manifest;
/** Every store path the manifest installs: the references of its environment. */
export declare function manifestPaths(m: Manifest): string[];
/**
 * Add elements as nix-env -i does: an installed element with the same name is replaced (nix-env's
 * "replacing old 'hello-2.10'"), so an install never leaves two versions of one package.
 */
export declare function addElements(m: Manifest, add: readonly ManifestElement[]): {
    manifest: Manifest;
    replaced: ManifestElement[];
};
/**
 * Select elements by name ("hello"), full name ("hello-2.12") or index in the listing (sorted
 * order, from 0). An unmatched selector is an error naming it.
 */
export declare function selectElements(m: Manifest, selectors: readonly string[]): Set<number>;
export declare function removeElements(m: Manifest, selectors: readonly string[]): {
    manifest: Manifest;
    removed: ManifestElement[];
};
