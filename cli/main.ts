#!/usr/bin/env node
// The `cairn` command. This module and cli/cli.ts, the CLI proper, are the only ones that read
// process.argv/env and call process.exit. The CLI is bundled into one file (scripts/bundle.mjs)
// and run with a V8 code cache (cli/code-cache.ts). Loading it still costs more than all that
// `profile rollback` and `profile switch-generation` do: those two, with plain arguments, run from
// here on a few small modules (cli/switch-fast.ts).
// lmdb-js loads msgpackr, its default value encoder, which cairn does not use (values are CBOR,
// dupsort keys ordered-binary), and msgpackr then looks for its native extractor on disk: 2-5 ms
// of every command that opens the store, for nothing. (Read when lmdb is first required.)
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= "true";
const ARGS = process.argv.slice(2);
if (ARGS[0] === "profile" && (ARGS[1] === "rollback" || ARGS[1] === "switch-generation")) {
  const status = await (await import("./switch-fast.js")).runSwitchFast(ARGS.slice(1), process.env);
  // process.exit, as the CLI ends (below).
  if (status !== undefined) process.exit(status);
}
const { codeCacheDir, loadCli } = await import("./code-cache.js");
let loaded: ReturnType<typeof loadCli>;
try {
  loaded = loadCli(new URL("./cli.cjs", import.meta.url), codeCacheDir(process.env), ARGS, (specifier) => import(specifier));
} catch (e) {
  // A missing or broken build (`npm run build` writes cli.cjs after tsc).
  process.exit((await import("./report.js")).failure(e, "start-up", !!process.env.CAIRN_DEBUG));
}
const { cli, save } = loaded;
const result = await cli.run(ARGS);
save(result);
// process.exit rather than a natural exit: Node then does not free the environment, where lmdb-js
// would close the store's gate and, as its last user, destroy the lock's mutexes under a cairn
// process opening the store at that moment (store/db.ts). Output is written synchronously.
process.exit(result.status);
