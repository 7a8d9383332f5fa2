#!/usr/bin/env node
// Writes the bad-NAR fixtures of RELIABILITY.md §6 (N-1..N-7, N-10..N-19) to
// test/fixtures/nar-bad/: one *.nar per case, expected.json (file -> {code, reason, case}) and
// README.md. Deterministic; plain Node, no dependencies. Run: node scripts/gen-bad-nars.mjs
// The NARs are built token by token here, independently of store/format/nar.ts, so a bug in the
// writer cannot hide the same bug in the reader.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "nar-bad");

// --- NAR primitives (NIX-COMPAT.md §3.1) ------------------------------------------------------
/** 64-bit little-endian unsigned int. */
const int = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const bytes = (x) => (typeof x === "string" ? Buffer.from(x, "utf8") : Buffer.from(x));
const pad = (len, fill = 0) => Buffer.alloc((8 - (len % 8)) % 8, fill);
/** str(b): length, bytes, zero padding to a multiple of 8. */
const str = (x) => {
  const b = bytes(x);
  return Buffer.concat([int(b.length), b, pad(b.length)]);
};
/** Raw bytes inside a token list (not wrapped as a str). */
const raw = (b) => ({ raw: Buffer.from(b) });
const enc = (tokens) => Buffer.concat(tokens.map((t) => (t && t.raw ? t.raw : str(t))));

// Node bodies as token lists.
const regular = (contents, executable = false) => [
  "(", "type", "regular", ...(executable ? ["executable", ""] : []), "contents", contents, ")",
];
const symlink = (target) => ["(", "type", "symlink", "target", target, ")"];
const directory = (entries) => [
  "(", "type", "directory",
  ...entries.flatMap(([name, node]) => ["entry", "(", "name", name, "node", ...node, ")"]),
  ")",
];
const nar = (node) => enc(["nix-archive-1", ...node]);

/** `levels` directories nested in each other (the root counts as one), innermost empty. */
function nested(levels) {
  let node = directory([]);
  for (let i = 1; i < levels; i++) node = directory([["d", node]]);
  return node;
}

const valid = nar(directory([["a", regular("hello\n")], ["b", symlink("a")]]));

// --- The cases ---------------------------------------------------------------------------------
const F = "E_NAR_FORMAT";
const T = "E_NAR_TRUNCATED";
/** [file, case, code, reason, description, bytes] */
const cases = [
  ["name-dotdot.nar", "N-1", F, "bad-name", "directory entry named `..`", nar(directory([["..", regular("x")]]))],
  ["name-dot.nar", "N-2", F, "bad-name", "directory entry named `.`", nar(directory([[".", regular("x")]]))],
  ["name-slash.nar", "N-3", F, "bad-name", "entry name `a/b`", nar(directory([["a/b", regular("x")]]))],
  ["name-traversal.nar", "N-3", F, "bad-name", "entry name `../../etc/x`", nar(directory([["../../etc/x", regular("x")]]))],
  ["name-nul.nar", "N-4", F, "bad-name", "entry name `a\\0b` (contains NUL)", nar(directory([["a\0b", regular("x")]]))],
  ["name-empty.nar", "N-5", F, "bad-name", "empty entry name", nar(directory([["", regular("x")]]))],
  ["unsorted.nar", "N-6", F, "unsorted", "entries `b` then `a`", nar(directory([["b", regular("x")], ["a", regular("y")]]))],
  [
    "unsorted-utf16-order.nar", "N-6", F, "unsorted",
    "entries in JavaScript (UTF-16) order, not byte order: U+1F980 (F0 9F A6 80) before U+FB01 (EF AC 81)",
    nar(directory([["\u{1f980}", regular("x")], ["\ufb01", regular("y")]])),
  ],
  ["duplicate.nar", "N-7", F, "unsorted", "the name `a` twice", nar(directory([["a", regular("x")], ["a", regular("y")]]))],
  ["symlink-empty-target.nar", "N-10", F, "bad-target", "symlink with an empty target", nar(symlink(""))],
  ["symlink-nul-target.nar", "N-10", F, "bad-target", "symlink target `a\\0b`", nar(directory([["l", symlink("a\0b")]]))],
  ["name-256-bytes.nar", "N-11", F, "too-long", "entry name of 256 bytes (limit 255)", nar(directory([["n".repeat(256), regular("x")]]))],
  ["target-4096-bytes.nar", "N-11", F, "too-long", "symlink target of 4096 bytes (limit 4095)", nar(symlink("t".repeat(4096)))],
  [
    "name-length-only.nar", "N-11", F, "too-long",
    "name length field says 1 MiB and the NAR ends there: refused before reading (allocating) the name",
    enc(["nix-archive-1", "(", "type", "directory", "entry", "(", "name", raw(int(1 << 20))]),
  ],
  ["depth-65.nar", "N-12", F, "too-deep", "65 nested directories (the root counts; 64 is the limit)", nar(nested(65))],
  [
    "truncated-contents.nar", "N-13", T, "truncated",
    "regular file declaring 1 MiB of contents; the NAR ends after 10 bytes of them",
    enc(["nix-archive-1", "(", "type", "regular", "contents", raw(int(1 << 20)), raw("0123456789")]),
  ],
  [
    "truncated-padding.nar", "N-13", T, "truncated", "contents `x`, then only 3 of the 7 padding bytes",
    enc(["nix-archive-1", "(", "type", "regular", "contents", raw(int(1)), raw("x\0\0\0")]),
  ],
  ["missing-close.nar", "N-13", T, "truncated", "a valid NAR without its final `)`", valid.subarray(0, valid.length - 16)],
  [
    "padding-nonzero.nar", "N-14", F, "bad-padding", "contents `x` followed by padding 00 00 00 01 00 00 00",
    enc(["nix-archive-1", "(", "type", "regular", "contents", raw(int(1)), raw("x\0\0\0\x01\0\0\0"), ")"]),
  ],
  [
    "padding-nonzero-name.nar", "N-14", F, "bad-padding", "entry name `a` padded with 0xff bytes",
    enc(["nix-archive-1", "(", "type", "directory", "entry", "(", "name", raw(int(1)), raw(Buffer.concat([Buffer.from("a"), pad(1, 0xff)])),
      "node", ...regular("x"), ")", ")"]),
  ],
  [
    "executable-nonempty.nar", "N-15", F, "bad-executable", "`executable` marker with the value `1`",
    enc(["nix-archive-1", "(", "type", "regular", "executable", "1", "contents", "x", ")"]),
  ],
  [
    "executable-after-contents.nar", "N-15", F, "unexpected-token", "`executable` marker after `contents`",
    enc(["nix-archive-1", "(", "type", "regular", "contents", "x", "executable", "", ")"]),
  ],
  [
    "invalid-tag-instead-of-contents.nar", "N-15", F, "unexpected-token", "regular file with the tag `foo` where `contents` belongs",
    enc(["nix-archive-1", "(", "type", "regular", "foo", "x", ")"]),
  ],
  ["type-fifo.nar", "N-16", F, "unknown-type", "node of type `fifo`", enc(["nix-archive-1", "(", "type", "fifo", ")"])],
  [
    "type-chardev.nar", "N-16", F, "unknown-type", "node of type `chardev` inside a directory",
    enc(["nix-archive-1", "(", "type", "directory", "entry", "(", "name", "tty", "node", "(", "type", "chardev", ")", ")", ")"]),
  ],
  ["magic-nix-archive-2.nar", "N-17", F, "not-a-nar", "magic `nix-archive-2`", enc(["nix-archive-2", ...regular("x")])],
  ["gzip.nar", "N-17", F, "not-a-nar", "a gzip-compressed valid NAR (header 1f 8b 08)", gzipSync(valid, { level: 9 })],
  ["empty.nar", "N-17", F, "not-a-nar", "an empty file", Buffer.alloc(0)],
  [
    "magic-bom.nar", "N-17", F, "not-a-nar", "magic preceded by a UTF-8 byte order mark (EF BB BF)",
    enc(["\ufeffnix-archive-1", ...regular("x")]),
  ],
  [
    "token-bom.nar", "extra", F, "unexpected-token",
    "the token `(` spelt EF BB BF 28 (a UTF-8 BOM first): must not decode to `(` (non-canonical NAR)",
    enc(["nix-archive-1", "\ufeff(", "type", "regular", "contents", "x", ")"]),
  ],
  ["trailing-bytes.nar", "N-18", F, "trailing-data", "a valid NAR followed by 16 more bytes (the token `extra`)", Buffer.concat([valid, str("extra")])],
  [
    "length-2-63.nar", "N-19", F, "too-large", "regular file declaring 2^63 bytes of contents",
    enc(["nix-archive-1", "(", "type", "regular", "contents", raw(int(2n ** 63n)), raw("x")]),
  ],
  [
    "length-2-64-minus-1.nar", "N-19", F, "too-large", "entry name length 2^64-1",
    enc(["nix-archive-1", "(", "type", "directory", "entry", "(", "name", raw(int(2n ** 64n - 1n))]),
  ],
  [
    "tag-length-4gb.nar", "N-19", F, "too-long", "the tag after `(` declares 4 GiB (2^32 bytes)",
    enc(["nix-archive-1", "(", raw(int(2n ** 32n)), raw("type\0\0\0\0")]),
  ],
];

// depth-100000 (N-12) would be ~17 MB: test/store/format/nar-bad.test.ts builds it at run time.

// --- Write ------------------------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith(".nar")) rmSync(join(OUT, f));
const expected = {};
for (const [file, id, code, reason, , data] of cases) {
  if (file in expected) throw new Error(`duplicate fixture ${file}`);
  writeFileSync(join(OUT, file), data);
  expected[file] = { code, reason, case: id };
}
writeFileSync(join(OUT, "expected.json"), JSON.stringify(expected, null, 2) + "\n");

const md = (s) => s.replace(/\|/g, "\\|");
const readme = `# Bad NARs (RELIABILITY.md §6, N-1..N-7 and N-10..N-19)

Generated by \`node scripts/gen-bad-nars.mjs\`, which rewrites every \`*.nar\` here, this README
and \`expected.json\`. Do not edit them by hand: change the script and rerun it.

Every file must be refused by the NAR reader (\`parseNarBuffer\` in \`store/format/nar-reader.ts\`)
with a \`CairnError\` whose \`code\` and \`data.reason\` are given in \`expected.json\`;
\`test/store/format/nar-bad.test.ts\` checks that. The NARs are assembled token by token by the
script, not by cairn's writer.

Not stored here: N-12 at depth 100,000 (about 17 MB), which the test builds at run time, and
N-21, N-24 and N-25, which need a file system.

| file | case | code | reason | content |
| --- | --- | --- | --- | --- |
${cases.map(([file, id, code, reason, what, data]) => `| \`${file}\` | ${id} | ${code} | ${reason} | ${md(what)} (${data.length} bytes) |`).join("\n")}
`;
writeFileSync(join(OUT, "README.md"), readme);
console.log(`wrote ${cases.length} fixtures to ${OUT}`);
