// The host programs every build is started through, found once per process.
import fs from "node:fs";
import { CairnError } from "../../store/format/errors.js";
export function findProgram(names) {
    for (const n of names) {
        try {
            fs.accessSync(n, fs.constants.X_OK);
            return n;
        }
        catch {
            /* next */
        }
    }
    return undefined;
}
let tools;
export function hostTools() {
    if (tools === undefined) {
        const need = (what, names) => {
            const p = findProgram(names);
            if (p === undefined)
                throw new CairnError("E_SANDBOX", `cannot start builds: ${what} is needed (${names.join(" or ")})`);
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
//# sourceMappingURL=host-tools.js.map