import type { LocalStore } from "../store/local-store.js";
import { type ManifestElement } from "../profiles/manifest.js";
import { type InfoCache } from "../profiles/user-env.js";
import { type Context } from "./context.js";
/** A path inside the store ("…/bin/hello" too) -> its store path; undefined when not in the store. */
export declare function toStorePath(storeDir: string, arg: string): string | undefined;
/**
 * `opening` may still be opening: a recipe's evaluation starts at once (its thread loads the recipe
 * meanwhile), and only what needs the store waits for it.
 */
export declare function resolveInstallables(ctx: Context, opening: PromiseLike<LocalStore>, storeDir: string, items: readonly string[], attrs: readonly string[], priority?: number, 
/** Receives the infos of the outputs realised, read under this process's temp roots. */
infos?: InfoCache): Promise<ManifestElement[]>;
/** Evaluate `file` (-A attrs) and realise the selected outputs; each becomes one element with its origin. */
export declare function fromRecipe(ctx: Context, opening: PromiseLike<LocalStore>, storeDir: string, file: string, attrs: readonly string[], priority: number, 
/** Receives the infos of the outputs (when all are valid), read under this process's temp roots. */
infos?: InfoCache): Promise<ManifestElement[]>;
