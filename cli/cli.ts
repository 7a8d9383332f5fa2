// The CLI proper, run by cli/main.ts (which handles `profile rollback|switch-generation` itself
// first): with cli/main.ts the only module that reads process.argv/env and calls process.exit. It
// maps error codes to exit statuses as Nix does and prints one line per failure. scripts/bundle.mjs
// bundles it with every module it imports into dist/cli/cli.js.
import path from "node:path";
import type * as Commander from "commander";
import type { Context, Env } from "./context.js";
import { failure, oneLine } from "./report.js";
import { answerHeadEarly, headStart, prestartEvaluator } from "../eval/prestart.js";
import { evaluates, guessEvaluation } from "./guess.js";

// Commands that evaluate recipes start their evaluation thread as soon as they know the
// evaluation cache does not have the answer: it boots while this thread loads the rest (its boot,
// then the evaluation, is what these commands wait for). So this module imports little before it
// (prestart.js needs only node:worker_threads, guess.js nothing, eval-cache.js node's builtins):
// the rest is imported below.
const ARGS = process.argv.slice(2);
const EVALUATES = evaluates(ARGS);
// The evaluation cache (cli/eval-cache.ts), unless CAIRN_EVAL_CACHE=0 or --no-eval-cache (which
// the commands that evaluate declare, for their help and so that commander accepts it).
const EVAL_CACHE = EVALUATES && !ARGS.includes("--no-eval-cache") && !/^(0|off|false|no)$/i.test(process.env.CAIRN_EVAL_CACHE ?? "");
if (EVALUATES) {
  // The store's modules load meanwhile (lmdb's in one synchronous stretch): then this thread is
  // free when the recipe's first path() call comes, which it answers before the store is open.
  import("../store/local-store.js").catch(() => {});
}
const [{ envFrom, err, processContext, resolveLayout, recipeCacheDir, evalCacheDir }, evalCacheModule] = await Promise.all([
  import("./context.js"),
  EVAL_CACHE ? import("./eval-cache.js") : undefined,
]);

const ENV: Env = envFrom(process.env);

// What changes how JavaScript behaves besides the code: part of the evaluation cache's key.
const RUNTIME = JSON.stringify([
  process.version,
  process.platform,
  process.arch,
  Object.entries(process.env)
    .filter(([k]) => /^(TZ|LANG|LANGUAGE|LC_[A-Z_]+|NODE_OPTIONS|NODE_ICU_DATA)$/.test(k))
    .sort(([a], [b]) => (a < b ? -1 : 1)),
]);
const EVAL_CACHE_USED =
  evalCacheModule !== undefined ? new evalCacheModule.EvalCache(evalCacheDir({ env: ENV }), RUNTIME, process.env.CAIRN_DEBUG ? err : undefined) : undefined;
evalCacheModule?.useEvalCache(EVAL_CACHE_USED);

// The evaluation the command will ask for, read off the command line (cli/guess.ts): the thread
// starts on it at once, unless the evaluation cache has it. A wrong guess costs time, not
// correctness (eval/prestart.ts).
const GUESS = EVALUATES ? guessEvaluation(ARGS) : undefined;
if (EVALUATES && GUESS === undefined) prestartEvaluator();
if (GUESS !== undefined) {
  try {
    const ctx = { env: ENV };
    // As the commands pass it on: build and instantiate as given, profile install absolute (it is
    // recorded in the profile's manifest).
    const file = GUESS.command === "profile install" ? path.resolve(GUESS.file) : GUESS.file;
    const { storeDir, realStoreDir } = resolveLayout(ctx, GUESS);
    if (!EVAL_CACHE_USED?.preload(EVAL_CACHE_USED.key(storeDir, file, GUESS.attrs), realStoreDir)) {
      prestartEvaluator();
      headStart({ storeDir, cacheDir: recipeCacheDir(ctx), file, attrs: GUESS.attrs });
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

// Required rather than imported: importing CommonJS from ESM starts a lexer over it (~20 ms of
// start-up for every command). Loaded in main().
const loadCommander = async () => (await import("node:module")).createRequire(import.meta.url)("commander") as typeof Commander;
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

async function main(argv: string[]): Promise<number> {
  let command = "cairn";
  let commander: typeof Commander | undefined;
  try {
    const ctx = processContext(ENV, process.env.CAIRN_CRASH_AT, withCancellation);
    const first = argv.find((a) => !a.startsWith("-"));
    commander = await loadCommander();
    const { Command } = commander;
    const program = new Command("cairn")
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
    return 0;
  } catch (e) {
    if (commander !== undefined && e instanceof commander.CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      err(`cairn: ${command === "cairn" ? "usage" : command}: ${oneLine(e.message.replace(/^error: /, ""))}\n`);
      return 1;
    }
    return failure(e, command, !!process.env.CAIRN_DEBUG);
  }
}

// process.exit rather than a natural exit: Node then does not free the environment, where lmdb-js
// would close the store's gate and, as its last user, destroy the lock's mutexes under a cairn
// process opening the store at that moment (store/db.ts). Output is written synchronously.
process.exit(await main(process.argv.slice(2)));
