/** The options of these commands that take a value (commander's `<value>`), by spelling. */
export declare const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>>;
export interface GuessedEvaluation {
    command: "build" | "instantiate" | "profile install";
    /** As written (the caller resolves it as the command does). */
    file: string;
    attrs: string[];
    root?: string;
    storeDir?: string;
}
/**
 * Whether the command evaluates recipes, so that its evaluation thread should start first: build,
 * instantiate, and profile install of a recipe (not of store paths).
 */
export declare function evaluates(args: readonly string[]): boolean;
/**
 * The one recipe file and the attributes, root and store dir of `args` (argv without node and
 * the script), or undefined when the line is anything else: another command, no recipe, several
 * installables, `--`, help, an option it does not know to take a value or not.
 */
export declare function guessEvaluation(args: readonly string[]): GuessedEvaluation | undefined;
