// From a derivation to a BuildRequest: the environment, the files in the build directory and the
// paths a build may see. Pure; the sandbox never sees a Derivation. Nix: LocalDerivationGoal's
// initEnv, initTmpDir and writeStructuredAttrs (local-derivation-goal.cc, parsed-derivations.cc).
import { CairnError, fromByteString, hashBytes, isFixedOutput, printHash, } from "../store/format/index.js";
export const SANDBOX_BUILD_DIR = "/build";
export const HOME_DIR = "/homeless-shelter";
const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** A derivation byte string as the JS string a process receives; refuses what argv cannot carry. */
function processString(b, what, drvPath) {
    // eslint-disable-next-line no-control-regex
    if (/^[\x01-\x7f]*$/.test(b))
        return b;
    if (b.includes("\0")) {
        throw new CairnError("E_BAD_DERIVATION", `${what} of '${drvPath}' contains a NUL byte, which a process cannot receive`, { path: drvPath });
    }
    try {
        return UTF8.decode(Buffer.from(b, "latin1"));
    }
    catch {
        throw new CairnError("E_BAD_DERIVATION", `${what} of '${drvPath}' is not valid UTF-8 (cairn passes it to the builder as text)`, {
            path: drvPath,
        });
    }
}
/** Nix's tokenizeString: whitespace-separated words. */
export function words(s) {
    return s.split(/[ \t\n\r]+/).filter((w) => w !== "");
}
/** Nix's shellEscape: single quotes, with `'` as `'\''`. */
export function shellEscape(s) {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}
const SH_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
function simpleShell(v) {
    if (typeof v === "string")
        return shellEscape(v);
    if (typeof v === "number")
        return Number.isInteger(v) ? String(v) : undefined;
    if (v === null)
        return "''";
    if (typeof v === "boolean")
        return v ? "1" : "";
    return undefined;
}
/** `.attrs.sh`: the attributes bash can represent, as `declare` lines (writeStructuredAttrsShell). */
export function structuredAttrsShell(json) {
    let out = "";
    for (const key of sortedKeys(json)) {
        if (!SH_VAR.test(key))
            continue;
        const value = json[key];
        const s = simpleShell(value);
        if (s !== undefined) {
            out += `declare ${key}=${s}\n`;
        }
        else if (Array.isArray(value)) {
            const parts = value.map(simpleShell);
            if (parts.every((p) => p !== undefined))
                out += `declare -a ${key}=(${parts.map((p) => `${p} `).join("")})\n`;
        }
        else if (typeof value === "object" && value !== null) {
            const obj = value;
            const parts = sortedKeys(obj).map((k) => [k, simpleShell(obj[k])]);
            if (parts.every(([, p]) => p !== undefined))
                out += `declare -A ${key}=(${parts.map(([k, p]) => `[${shellEscape(k)}]=${p} `).join("")})\n`;
        }
    }
    return out;
}
/** nlohmann::json objects are std::maps: keys in byte order. */
function sortedKeys(o) {
    return Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
/** JSON as nlohmann's dump(): compact, keys in byte order, non-ASCII unescaped. */
export function canonicalJson(v) {
    if (Array.isArray(v))
        return `[${v.map(canonicalJson).join(",")}]`;
    if (typeof v === "object" && v !== null) {
        const o = v;
        return `{${sortedKeys(o)
            .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}
/**
 * The BuildRequest for `drv`, whose outputs are `drv.outputs[*].path` and whose input closure is
 * `inputs` (input sources and the used outputs of input derivations, with their references).
 */
export function buildRequest(drvPath, drv, storeDir, inputs, settings) {
    const s = (b, what) => processString(b, what, drvPath);
    const env = new Map();
    const files = [];
    env.set("PATH", "/path-not-set");
    env.set("HOME", HOME_DIR);
    env.set("NIX_STORE", storeDir);
    env.set("NIX_BUILD_CORES", String(settings.buildCores));
    const json = drv.env.get("__json");
    if (json === undefined) {
        // Non-structured: every variable, except those in passAsFile, which become files named by
        // the sha256 of the variable's name, pointed at by `<name>Path`.
        const passAsFile = new Set(words(drv.env.get("passAsFile") ?? ""));
        for (const [k, v] of drv.env) {
            if (!passAsFile.has(k)) {
                env.set(s(k, "an environment variable name"), s(v, `variable '${fromByteString(k)}'`));
            }
            else {
                const fn = `.attr-${printHash(hashBytes("sha256", Buffer.from(k, "latin1")), "nix32")}`;
                files.push({ name: fn, bytes: Buffer.from(v, "latin1") });
                env.set(`${s(k, "an environment variable name")}Path`, `${SANDBOX_BUILD_DIR}/${fn}`);
            }
        }
    }
    env.set("NIX_BUILD_TOP", SANDBOX_BUILD_DIR);
    for (const k of ["TMPDIR", "TEMPDIR", "TMP", "TEMP"])
        env.set(k, SANDBOX_BUILD_DIR);
    env.set("PWD", SANDBOX_BUILD_DIR);
    const fixedOutput = isFixedOutput(drv);
    if (fixedOutput)
        env.set("NIX_OUTPUT_CHECKED", "1");
    env.set("NIX_LOG_FD", "2");
    env.set("TERM", "xterm-256color");
    const outputs = new Map();
    for (const [name, o] of drv.outputs)
        outputs.set(fromByteString(name), fromByteString(o.path));
    if (json !== undefined) {
        // Structured attrs: the variables are in .attrs.json (plus the output paths) and .attrs.sh.
        let attrs;
        try {
            attrs = JSON.parse(s(json, "__json"));
        }
        catch (e) {
            throw new CairnError("E_BAD_DERIVATION", `cannot process __json attribute of '${drvPath}': ${e.message}`, { path: drvPath });
        }
        if (typeof attrs !== "object" || attrs === null || Array.isArray(attrs)) {
            throw new CairnError("E_BAD_DERIVATION", `__json attribute of '${drvPath}' is not a JSON object`, { path: drvPath });
        }
        attrs.outputs = Object.fromEntries(outputs);
        files.push({ name: ".attrs.json", bytes: Buffer.from(canonicalJson(attrs)) });
        files.push({ name: ".attrs.sh", bytes: Buffer.from(structuredAttrsShell(attrs)) });
        // Nix 2.8 only writes the files; later versions also name them, which costs nothing here.
        env.set("NIX_ATTRS_JSON_FILE", `${SANDBOX_BUILD_DIR}/.attrs.json`);
        env.set("NIX_ATTRS_SH_FILE", `${SANDBOX_BUILD_DIR}/.attrs.sh`);
    }
    for (const k of env.keys()) {
        if (k === "" || k.includes("=")) {
            throw new CairnError("E_BAD_DERIVATION", `environment variable name '${k}' of '${drvPath}' is not valid`, { path: drvPath, name: k });
        }
    }
    const builder = s(drv.builder, "builder");
    return {
        drvPath,
        storeDir,
        builder,
        args: drv.args.map((a, i) => s(a, `argument ${i + 1}`)),
        env: [...env],
        files,
        inputs: [...inputs],
        outputs,
        fixedOutput,
        ...(builder.startsWith("builtin:") ? { builtin: builder.slice("builtin:".length) } : {}),
    };
}
//# sourceMappingURL=request.js.map