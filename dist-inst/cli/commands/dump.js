import { dumpPath } from "../../store/nar-fs.js";
import { writeAll } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, _ctx) {
    storeOptions(program.command("dump").description("write the NAR serialisation of PATH to stdout").argument("<path>")).action((p) => {
        dumpPath(p, (chunk) => writeAll(1, chunk));
    });
}
//# sourceMappingURL=dump.js.map