import { type Derivation } from "../store/format/index.js";
/** What a build runs, sees and produces; independent of how it is sandboxed. */
export interface BuildRequest {
    /** For logs and errors only. */
    drvPath: string;
    storeDir: string;
    builder: string;
    args: string[];
    /** The complete environment, in order (Nix's standard variables, then the derivation's). */
    env: [string, string][];
    /** Files to create in the build directory before the builder starts (names relative to it). */
    files: {
        name: string;
        bytes: Uint8Array;
    }[];
    /** Logical store paths the build may read: the closure of its inputs. */
    inputs: string[];
    /** Output name -> logical store path. */
    outputs: Map<string, string>;
    /** A fixed-output derivation: its result is checked against a declared hash. */
    fixedOutput: boolean;
    /** `builtin:fetchurl` and friends run inside cairn, not in a sandbox. */
    builtin?: string;
}
export declare const SANDBOX_BUILD_DIR = "/build";
export declare const HOME_DIR = "/homeless-shelter";
export interface RequestSettings {
    buildCores: number;
}
/** Nix's tokenizeString: whitespace-separated words. */
export declare function words(s: string): string[];
/** Nix's shellEscape: single quotes, with `'` as `'\''`. */
export declare function shellEscape(s: string): string;
/** `.attrs.sh`: the attributes bash can represent, as `declare` lines (writeStructuredAttrsShell). */
export declare function structuredAttrsShell(json: Record<string, unknown>): string;
/** JSON as nlohmann's dump(): compact, keys in byte order, non-ASCII unescaped. */
export declare function canonicalJson(v: unknown): string;
/**
 * The BuildRequest for `drv`, whose outputs are `drv.outputs[*].path` and whose input closure is
 * `inputs` (input sources and the used outputs of input derivations, with their references).
 */
export declare function buildRequest(drvPath: string, drv: Derivation, storeDir: string, inputs: readonly string[], settings: RequestSettings): BuildRequest;
