import { FdReader } from "../../store/fd-reader.js";
import { restorePath } from "../../store/nar-fs.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program.command("restore").description("unpack a NAR read from stdin into DIR").argument("<dir>")).action((dir) => {
        const input = new FdReader(0);
        restorePath(dir, (n) => input.read(n), () => input.atEnd(), ctx.hooks.crash);
    });
}
//# sourceMappingURL=restore.js.map