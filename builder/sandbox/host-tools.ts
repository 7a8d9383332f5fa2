// The host programs every build is started through, found once per process.
import fs from "node:fs";
import { CairnError } from "../../store/format/errors.js";

export function findProgram(names: string[]): string | undefined {
  for (const n of names) {
    try {
      fs.accessSync(n, fs.constants.X_OK);
      return n;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface HostTools {
  bash: string;
  /** A small POSIX shell for the parent guard (dash starts in a third of bash's time). */
  sh: string;
  setpriv: string;
  bwrap: string | undefined;
}

let tools: HostTools | undefined;

export function hostTools(): HostTools {
  if (tools === undefined) {
    const need = (what: string, names: string[]): string => {
      const p = findProgram(names);
      if (p === undefined) throw new CairnError("E_SANDBOX", `cannot start builds: ${what} is needed (${names.join(" or ")})`);
      return p;
    };
    const bash = need("bash", ["/bin/bash", "/usr/bin/bash"]);
    tools = {
      bash,
      setpriv: need("setpriv (util-linux)", ["/usr/bin/setpriv", "/bin/setpriv"]),
      sh: findProgram(["/bin/dash", "/usr/bin/dash"]) ?? bash,
      bwrap: findProgram(["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"]),
    };
  }
  return tools;
}
