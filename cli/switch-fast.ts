// `cairn profile rollback|switch-generation` with plain arguments, run by cli/main.ts without the
// CLI proper: these commands are mostly start-up, and loading the bundled CLI (cli/cli.ts) costs
// more than all they do. Other arguments (help, unknown options) go to the CLI.
import { envFrom, processContext } from "./context.js";
import { failure } from "./report.js";

/** The exit status, or undefined when the arguments are not plain (the CLI then runs them). */
export async function runSwitchFast(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number | undefined> {
  try {
    const { runFast } = await import("./commands/profile-switch.js");
    // No cancellation: a switch is one rename, and SIGINT keeps its default action.
    const ctx = processContext(envFrom(env), env.CAIRN_CRASH_AT, (f) => f(new AbortController().signal));
    return (await runFast(ctx, args)) ? 0 : undefined;
  } catch (e) {
    return failure(e, `profile ${args[0]}`, !!env.CAIRN_DEBUG);
  }
}
