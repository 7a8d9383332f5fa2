import type { Command } from "commander";
import { type Context } from "../context.js";
/** Link `link` -> `target` atomically and record it as an indirect GC root (Nix: addIndirectRoot). */
export declare function linkResult(gcrootsDir: string, link: string, target: string): void;
export declare function register(program: Command, ctx: Context): void;
