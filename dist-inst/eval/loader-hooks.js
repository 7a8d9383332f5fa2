// Module hooks for loading recipes (Node's module.register; they run on the loader thread).
// - "cairn" resolves to this installation's library, wherever the recipe lives;
// - .ts/.mts files are type-stripped with amaro (Node's own stripper: types become spaces, so
//   line:column in errors are those of the source), cached by content hash;
// - an import cycle between recipe files is an error naming the cycle.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
let data = { cairnEntry: "" };
const edges = new Map();
const STRIPPER = "amaro-strip-1";
export function initialize(d) {
    data = d;
}
const isRecipe = (url) => url.startsWith("file:") && !url.includes("/node_modules/") && /\.(m?ts|m?js)$/.test(url);
function pathTo(from, to, seen = new Set()) {
    if (from === to)
        return [to];
    if (seen.has(from))
        return undefined;
    seen.add(from);
    for (const next of edges.get(from) ?? []) {
        const rest = pathTo(next, to, seen);
        if (rest)
            return [from, ...rest];
    }
    return undefined;
}
export async function resolve(specifier, context, next) {
    if (specifier === "cairn")
        return { url: data.cairnEntry, shortCircuit: true };
    let r;
    try {
        r = await next(specifier, context);
    }
    catch (e) {
        // TypeScript convention: `import "./x.js"` names the source ./x.ts.
        if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL) {
            const ts = new URL(specifier.slice(0, -3) + ".ts", context.parentURL);
            if (fs.existsSync(fileURLToPath(ts)))
                r = { url: ts.href };
            else
                throw e;
        }
        else
            throw e;
    }
    const parent = context.parentURL;
    if (parent !== undefined && isRecipe(parent) && isRecipe(r.url)) {
        const cycle = pathTo(r.url, parent);
        if (cycle !== undefined) {
            const names = [...cycle, r.url].map((u) => path.relative(process.cwd(), fileURLToPath(u)) || u);
            throw new Error(`import cycle between recipe files: ${names.join(" -> ")}`);
        }
        let set = edges.get(parent);
        if (set === undefined)
            edges.set(parent, (set = new Set()));
        set.add(r.url);
    }
    return { ...r, shortCircuit: true };
}
/** amaro reports errors as text with a code frame; turn that into "file:line:column: message". */
function describeStripError(file, e) {
    const text = String(e);
    const lines = text.split("\n");
    const msg = (lines.find((l) => /^\s*x /.test(l)) ?? lines[0] ?? "syntax error").replace(/^\s*x /, "").trim();
    for (let i = 1; i < lines.length; i++) {
        const caret = lines[i].match(/^(\s*:\s)(\s*)\^/);
        const code = lines[i - 1].match(/^(\s*(\d+) \| )/);
        if (caret && code) {
            const col = caret[1].length + caret[2].length - code[1].length + 1;
            return `${file}:${code[2]}:${Math.max(1, col)}: ${msg}`;
        }
    }
    return `${file}: ${msg}`;
}
// amaro (swc in wasm) costs ~50 ms to load: only when a recipe is not in the cache.
let stripper;
async function strip(file, source) {
    const key = createHash("sha256").update(STRIPPER).update("\0").update(source).digest("hex");
    const cached = data.cacheDir ? path.join(data.cacheDir, key.slice(0, 2), `${key}.js`) : undefined;
    if (cached !== undefined) {
        try {
            return fs.readFileSync(cached, "utf8");
        }
        catch {
            /* not cached yet */
        }
    }
    let code;
    try {
        stripper ??= await import("amaro");
        code = stripper.transformSync(source, { mode: "strip-only", filename: file }).code;
    }
    catch (e) {
        throw new SyntaxError(describeStripError(file, e));
    }
    if (cached !== undefined) {
        try {
            fs.mkdirSync(path.dirname(cached), { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, code);
            fs.renameSync(tmp, cached);
        }
        catch {
            /* a cache that cannot be written only costs time */
        }
    }
    return code;
}
export async function load(url, context, next) {
    if (url.startsWith("file:") && /\.m?ts$/.test(url)) {
        const file = fileURLToPath(url);
        return { format: "module", source: await strip(file, fs.readFileSync(file, "utf8")), shortCircuit: true };
    }
    return next(url, context);
}
//# sourceMappingURL=loader-hooks.js.map