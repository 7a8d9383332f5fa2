// `nix show-derivation` JSON in Nix 2.8's layout and escaping (src/nix/show-derivation.cc,
// src/libutil/json.cc): 2-space indent, derivations sorted by path, control bytes as \u00XX,
// every other byte (UTF-8 included) raw. Input and output are byte strings (see derivation.ts).
import type { Derivation } from "./derivation.js";

/** A JSON string literal the way Nix 2.8's JSON writer prints it. */
export function nixJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function obj(entries: [string, string][], indent: string): string {
  if (entries.length === 0) return "{}";
  const inner = indent + "  ";
  return `{\n${entries.map(([k, v]) => `${inner}${nixJsonString(k)}: ${v}`).join(",\n")}\n${indent}}`;
}

function arr(items: string[], indent: string): string {
  if (items.length === 0) return "[]";
  const inner = indent + "  ";
  return `[\n${items.map((v) => inner + v).join(",\n")}\n${indent}]`;
}

function derivationJson(drv: Derivation, indent: string): string {
  const i2 = indent + "  ";
  const i3 = i2 + "  ";
  const outputs = [...drv.outputs]
    .sort((a, b) => byteOrder(a[0], b[0]))
    .map(([name, o]): [string, string] => {
      const fields: [string, string][] = [["path", nixJsonString(o.path)]];
      if (o.hash !== "") {
        fields.push(["hashAlgo", nixJsonString(o.hashAlgo)], ["hash", nixJsonString(o.hash)]);
      }
      return [name, obj(fields, i3)];
    });
  const inputDrvs = [...drv.inputDrvs]
    .sort((a, b) => byteOrder(a[0], b[0]))
    .map(([p, names]): [string, string] => [p, arr([...names].sort(byteOrder).map(nixJsonString), i3)]);
  const env = [...drv.env].sort((a, b) => byteOrder(a[0], b[0])).map(([k, v]): [string, string] => [k, nixJsonString(v)]);
  return obj(
    [
      ["outputs", obj(outputs, i2)],
      ["inputSrcs", arr([...drv.inputSrcs].sort(byteOrder).map(nixJsonString), i2)],
      ["inputDrvs", obj(inputDrvs, i2)],
      ["system", nixJsonString(drv.platform)],
      ["builder", nixJsonString(drv.builder)],
      ["args", arr(drv.args.map(nixJsonString), i2)],
      ["env", obj(env, i2)],
    ],
    indent,
  );
}

/** The whole `nix show-derivation` output (trailing newline included), as a byte string. */
export function showDerivationJson(drvs: Map<string, Derivation>): string {
  const entries = [...drvs].sort((a, b) => byteOrder(a[0], b[0])).map(([p, d]): [string, string] => [p, derivationJson(d, "  ")]);
  return obj(entries, "") + "\n";
}
