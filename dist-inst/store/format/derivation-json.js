/** A JSON string literal the way Nix 2.8's JSON writer prints it. */
export function nixJsonString(s) {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x22)
            out += '\\"';
        else if (c === 0x5c)
            out += "\\\\";
        else if (c === 0x0a)
            out += "\\n";
        else if (c === 0x0d)
            out += "\\r";
        else if (c === 0x09)
            out += "\\t";
        else if (c < 0x20)
            out += "\\u" + c.toString(16).padStart(4, "0");
        else
            out += s[i];
    }
    return out + '"';
}
const byteOrder = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function obj(entries, indent) {
    if (entries.length === 0)
        return "{}";
    const inner = indent + "  ";
    return `{\n${entries.map(([k, v]) => `${inner}${nixJsonString(k)}: ${v}`).join(",\n")}\n${indent}}`;
}
function arr(items, indent) {
    if (items.length === 0)
        return "[]";
    const inner = indent + "  ";
    return `[\n${items.map((v) => inner + v).join(",\n")}\n${indent}]`;
}
function derivationJson(drv, indent) {
    const i2 = indent + "  ";
    const i3 = i2 + "  ";
    const outputs = [...drv.outputs]
        .sort((a, b) => byteOrder(a[0], b[0]))
        .map(([name, o]) => {
        const fields = [["path", nixJsonString(o.path)]];
        if (o.hash !== "") {
            fields.push(["hashAlgo", nixJsonString(o.hashAlgo)], ["hash", nixJsonString(o.hash)]);
        }
        return [name, obj(fields, i3)];
    });
    const inputDrvs = [...drv.inputDrvs]
        .sort((a, b) => byteOrder(a[0], b[0]))
        .map(([p, names]) => [p, arr([...names].sort(byteOrder).map(nixJsonString), i3)]);
    const env = [...drv.env].sort((a, b) => byteOrder(a[0], b[0])).map(([k, v]) => [k, nixJsonString(v)]);
    return obj([
        ["outputs", obj(outputs, i2)],
        ["inputSrcs", arr([...drv.inputSrcs].sort(byteOrder).map(nixJsonString), i2)],
        ["inputDrvs", obj(inputDrvs, i2)],
        ["system", nixJsonString(drv.platform)],
        ["builder", nixJsonString(drv.builder)],
        ["args", arr(drv.args.map(nixJsonString), i2)],
        ["env", obj(env, i2)],
    ], indent);
}
/** The whole `nix show-derivation` output (trailing newline included), as a byte string. */
export function showDerivationJson(drvs) {
    const entries = [...drvs].sort((a, b) => byteOrder(a[0], b[0])).map(([p, d]) => [p, derivationJson(d, "  ")]);
    return obj(entries, "") + "\n";
}
//# sourceMappingURL=derivation-json.js.map