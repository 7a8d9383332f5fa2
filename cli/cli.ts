// The CLI proper, run by cli/main.ts (which handles `profile rollback|switch-generation` itself
// first): with cli/main.ts the only module that reads process.argv/env and calls process.exit. It
// maps error codes to exit statuses as Nix does and prints one line per failure. scripts/bundle.mjs
// bundles it with every module it imports into dist/cli/cli.cjs, which cli/main.ts runs through
// cli/code-cache.ts.
import path from "node:path";
import * as Commander from "commander";
import type { Context, Env } from "./context.js";
import { failure, oneLine } from "./report.js";
import { answerHeadEarly, headStart, prestartEvaluator } from "../eval/prestart.js";
import { evaluates, guessEvaluation } from "./guess.js";

/** What a run ended with: its exit status and the command as commander named it ("profile install"; "cairn" when none ran). */
export type RunResult = { status: number; command: string };

/**
 * Runs the command `argv` names, for cli/main.ts, which exits with its status.
 *
 * Commands that evaluate recipes start their evaluation thread as soon as they know the
 * evaluation cache does not have the answer: it boots while this thread loads the rest (its boot,
 * then the evaluation, is what these commands wait for). So little is imported before it
 * (prestart.js needs only node:worker_threads, guess.js nothing, eval-cache.js node's builtins).
 */
export async function run(argv: string[]): Promise<RunResult> {
  const evaluating = evaluates(argv);
  // The evaluation cache (cli/eval-cache.ts), unless CAIRN_EVAL_CACHE=0 or --no-eval-cache (which
  // the commands that evaluate declare, for their help and so that commander accepts it).
  const useEvalCache = evaluating && !argv.includes("--no-eval-cache") && !/^(0|off|false|no)$/i.test(process.env.CAIRN_EVAL_CACHE ?? "");
  if (evaluating) {
    // The store's modules load meanwhile (lmdb's in one synchronous stretch): then this thread is
    // free when the recipe's first path() call comes, which it answers before the store is open.
    import("../store/local-store.js").catch(() => {});
  }
  const [{ envFrom, err, processContext, resolveLayout, recipeCacheDir, evalCacheDir }, evalCacheModule] = await Promise.all([
    import("./context.js"),
    useEvalCache ? import("./eval-cache.js") : undefined,
  ]);

  const env: Env = envFrom(process.env);

  // What changes how JavaScript behaves besides the code: part of the evaluation cache's key.
  const runtime = JSON.stringify([
    process.version,
    process.platform,
    process.arch,
    Object.entries(process.env)
      .filter(([k]) => /^(TZ|LANG|LANGUAGE|LC_[A-Z_]+|NODE_OPTIONS|NODE_ICU_DATA)$/.test(k))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);
  const evalCache =
    evalCacheModule !== undefined ? new evalCacheModule.EvalCache(evalCacheDir({ env }), runtime, process.env.CAIRN_DEBUG ? err : undefined) : undefined;
  evalCacheModule?.useEvalCache(evalCache);

  // The evaluation the command will ask for, read off the command line (cli/guess.ts): the thread
  // starts on it at once, unless the evaluation cache has it. A wrong guess costs time, not
  // correctness (eval/prestart.ts).
  const guess = evaluating ? guessEvaluation(argv) : undefined;
  if (evaluating && guess === undefined) prestartEvaluator();
  if (guess !== undefined) {
    try {
      const ctx = { env };
      // As the commands pass it on: build and instantiate as given, profile install absolute (it is
      // recorded in the profile's manifest).
      const file = guess.command === "profile install" ? path.resolve(guess.file) : guess.file;
      const { storeDir, realStoreDir } = resolveLayout(ctx, guess);
      if (!evalCache?.preload(evalCache.key(storeDir, file, guess.attrs), realStoreDir)) {
        prestartEvaluator();
        headStart({ storeDir, cacheDir: recipeCacheDir(ctx), file, attrs: guess.attrs });
        // A recipe's first path() call is answered as soon as the hashing code has loaded, not when
        // the command gets to it.
        import("./evaluate.js").then(({ recipeSources }) => {
          const sources = recipeSources(storeDir);
          answerHeadEarly((source, opts) => sources.early(source, opts));
        }, () => {});
      }
    } catch {
      // An invalid store dir: the command says so.
      prestartEvaluator();
    }
  }
  return main(argv, env, err, processContext);
}

type Command = Commander.Command;

type CommandModule = { register(program: Command, ctx: Context): void };

/**
 * Every command, by the name it is invoked as. Only the one that runs is loaded (unbundled, the
 * others cost ~70 ms of module loading together; bundled, their modules' top-level code still
 * waits for their import); --help and unknown names load them all.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  add: () => import("./commands/add.js"),
  hash: () => import("./commands/hash.js"),
  dump: () => import("./commands/dump.js"),
  restore: () => import("./commands/restore.js"),
  "path-info": () => import("./commands/path-info.js"),
  verify: () => import("./commands/verify.js"),
  instantiate: () => import("./commands/instantiate.js"),
  "show-derivation": () => import("./commands/show-derivation.js"),
  derivation: () => import("./commands/derivation.js"),
  // builder
  build: () => import("./commands/build.js"),
  log: () => import("./commands/log.js"),

  // profiles
  profile: () => import("./commands/profile.js"),
  shell: () => import("./commands/shell.js"),
  "diff-closures": () => import("./commands/diff-closures.js"),

  // gc
  gc: () => import("./commands/gc.js"),
  "why-depends": () => import("./commands/why-depends.js"),
  optimise: () => import("./commands/optimise.js"),

  // binary caches
  copy: () => import("./commands/copy.js"),
  key: () => import("./commands/key.js"),
  sign: () => import("./commands/sign.js"),

  // system
  system: () => import("./commands/system.js"),
};

/**
 * SIGINT/SIGTERM while `f` runs abort its signal, so builds are killed, temp dirs removed and
 * claims released before cairn exits; a second signal exits at once.
 */
async function withCancellation<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(sig === "SIGINT" ? 130 : 143);
    ac.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await f(ac.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function main(
  argv: string[],
  env: Env,
  err: (s: string) => void,
  processContext: typeof import("./context.js").processContext,
): Promise<RunResult> {
  let command = "cairn";
  try {
    const ctx = processContext(env, process.env.CAIRN_CRASH_AT, withCancellation);
    const first = argv.find((a) => !a.startsWith("-"));
    const program = new Commander.Command("cairn")
      .description("a Nix-compatible package store, per user, without a daemon")
      .version("0.1.0")
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
      .showSuggestionAfterError(true);
    const load = first !== undefined && Object.hasOwn(COMMANDS, first) ? [COMMANDS[first]!] : Object.values(COMMANDS);
    const commands = await Promise.all(load.map((f) => f()));
    for (const m of commands) m.register(program, ctx);
    program.hook("preAction", (_p, action) => {
      const names: string[] = [];
      for (let c: Command | null = action; c !== null && c !== program; c = c.parent) names.unshift(c.name());
      command = names.join(" ");
    });
    await program.parseAsync(argv, { from: "user" });
    return { status: 0, command };
  } catch (e) {
    if (e instanceof Commander.CommanderError) {
      if (e.exitCode === 0) return { status: 0, command }; // --help, --version
      err(`cairn: ${command === "cairn" ? "usage" : command}: ${oneLine(e.message.replace(/^error: /, ""))}\n`);
      return { status: 1, command };
    }
    return { status: failure(e, command, !!process.env.CAIRN_DEBUG), command };
  }
}
