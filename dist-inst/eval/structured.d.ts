import type { EvalState } from "./state.js";
import { type Context } from "./coerce.js";
/** C++ `ostream << double` (default precision 6, %g style). */
export declare function formatJsonFloat(x: number): string;
export declare function toJson(state: EvalState, v: unknown, ctx: Context, where: string): string;
