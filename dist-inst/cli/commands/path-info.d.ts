import type { Command } from "commander";
import type { LocalStore, PathInfo } from "../../store/local-store.js";
import { type Context } from "../context.js";
/**
 * One entry of `nix path-info --json` (Nix 2.8 key order): `ultimate` for paths built here, as
 * Nix; `substitutedFrom` (cairn's own) for paths copied in from a binary cache.
 */
export declare function pathInfoJson(store: LocalStore, info: PathInfo, withClosureSize: boolean): Record<string, unknown>;
export declare function register(program: Command, ctx: Context): void;
