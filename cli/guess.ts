// Reads, off the raw command line, the evaluation `build`, `instantiate` and `profile install`
// will ask for, so cli/cli.ts can give it to the evaluation thread before the command has loaded
// (eval/prestart.ts's head start). Pure, and only a guess: the Evaluator takes the thread's work
// over only if it is what the command then asks for, so a wrong guess costs time, not correctness.

/** The options of these commands that take a value (commander's `<value>`), by spelling. */
export const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  build: ["-A", "--attr", "-o", "--out-link", "-j", "--max-jobs", "--timeout", "--max-silent-time", "--root", "--store-dir"],
  instantiate: ["-A", "--attr", "--root", "--store-dir"],
  "profile install": ["-A", "--attr", "--priority", "--profile", "--root", "--store-dir"],
};

export interface GuessedEvaluation {
  command: "build" | "instantiate" | "profile install";
  /** As written (the caller resolves it as the command does). */
  file: string;
  attrs: string[];
  root?: string;
  storeDir?: string;
}

const RECIPE = /\.[cm]?[jt]s$/;

/**
 * Whether the command evaluates recipes, so that its evaluation thread should start first: build,
 * instantiate, and profile install of a recipe (not of store paths).
 */
export function evaluates(args: readonly string[]): boolean {
  const first = args.find((a) => !a.startsWith("-"));
  if (first === "profile") return args[1] === "install" && args.some((a) => RECIPE.test(a));
  return first === "instantiate" || first === "build";
}

/**
 * The one recipe file and the attributes, root and store dir of `args` (argv without node and
 * the script), or undefined when the line is anything else: another command, no recipe, several
 * installables, `--`, help, an option it does not know to take a value or not.
 */
export function guessEvaluation(args: readonly string[]): GuessedEvaluation | undefined {
  const command = args[0] === "profile" && args[1] === "install" ? "profile install" : args[0];
  if (command !== "build" && command !== "instantiate" && command !== "profile install") return undefined;
  const valued = VALUE_OPTIONS[command]!;
  const g: GuessedEvaluation = { command, file: "", attrs: [] };
  const files: string[] = [];
  for (let i = command === "profile install" ? 2 : 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a === "-h" || a === "--help") return undefined;
    if (!a.startsWith("-") || a === "-") {
      files.push(a);
      continue;
    }
    let key: string;
    let value: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      key = eq > 0 ? a.slice(0, eq) : a;
      if (eq > 0) value = a.slice(eq + 1);
    } else {
      // Short options: `-A x`, or the value attached (`-Ax`, `-j2`), as commander reads them.
      key = a.slice(0, 2);
      if (a.length > 2) value = a.slice(2);
    }
    if (!valued.includes(key)) {
      if (value !== undefined && !a.startsWith("--")) return undefined; // bundled short flags: not read here
      continue; // a flag (commander refuses a value it does not take)
    }
    if (value === undefined) value = args[++i];
    if (value === undefined) return undefined;
    if (key === "--root") g.root = value;
    else if (key === "--store-dir") g.storeDir = value;
    else if (key === "-A" || key === "--attr") g.attrs.push(value);
  }
  if (files.length !== 1 || !RECIPE.test(files[0]!)) return undefined;
  g.file = files[0]!;
  return g;
}
