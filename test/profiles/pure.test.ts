// The pure parts of profiles/: names and versions, manifests, generation specs, the union of
// package trees (over an in-memory reader), diffs and shell lines.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isCairnError } from "../../store/format/errors.js";
import { narBytes } from "../../store/format/index.js";
import { compareVersions, parseDrvName } from "../../profiles/drv-name.js";
import {
  addElements,
  elementForPath,
  emptyManifest,
  parseManifest,
  printManifest,
  removeElements,
  type Manifest,
  type ManifestElement,
} from "../../profiles/manifest.js";
import { parseDeleteSpec, selectForDeletion } from "../../profiles/gen-spec.js";
import { buildUnion, countEntries, unionTree, type TreeReader } from "../../profiles/buildenv.js";
import { diffClosures, diffManifests, humanBytes, printClosureChanges, printElementDiff, summariseDiff } from "../../profiles/diff.js";
import { envLines, pathWith, shellQuote } from "../../profiles/env-lines.js";

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isCairnError(e)) return e.code;
    throw e;
  }
  return undefined;
}

const el = (name: string, version: string, p: string, priority = 5): ManifestElement => ({
  name,
  version,
  outputs: ["out"],
  storePaths: [p],
  priority,
});

describe("parseDrvName (Nix names.cc)", () => {
  it.each([
    ["hello-2.12", "hello", "2.12"],
    ["hello", "hello", ""],
    ["libgreet-1.0-dev", "libgreet", "1.0-dev"],
    ["foo-bar-1.0", "foo-bar", "1.0"],
    ["pkgaaa-1.0", "pkgaaa", "1.0"],
    ["user-environment", "user-environment", ""],
    ["a-", "a-", ""],
    ["x-1", "x", "1"],
    ["firefox-beta-bin-90.0b1", "firefox-beta-bin", "90.0b1"],
  ])("%s -> %s %s", (full, name, version) => {
    expect(parseDrvName(full)).toEqual({ name, version });
  });
});

describe("compareVersions (Nix names.cc)", () => {
  it.each([
    ["1.0", "2.3", -1],
    ["2.1", "2.3", -1],
    ["2.3", "2.3", 0],
    ["2.5", "2.3", 1],
    ["3.1", "2.3", 1],
    ["2.3.1", "2.3", 1],
    ["2.3.1", "2.3a", 1],
    ["2.3pre1", "2.3", -1],
    ["2.3pre3", "2.3pre12", -1],
    ["2.3a", "2.3c", -1],
    ["2.3pre1", "2.3c", -1],
    ["2.3pre1", "2.3q", -1],
    ["1.10", "1.9", 1],
  ])("%s vs %s", (a, b, r) => {
    expect(compareVersions(a, b)).toBe(r);
    expect(compareVersions(b, a)).toBe(r === 0 ? 0 : -r);
  });
  it("is antisymmetric on random versions", () => {
    const v = fc.stringMatching(/^[0-9a-z.-]{0,8}$/);
    fc.assert(fc.property(v, v, (a, b) => compareVersions(a, b) === -compareVersions(b, a)));
  });
});

describe("manifest", () => {
  const m: Manifest = {
    version: 1,
    elements: [
      { ...el("tool", "2.0", "/s/bbb-tool-2.0"), origin: { file: "/r/x.ts", attr: "tool" }, drvPath: "/s/ccc-tool-2.0.drv" },
      el("hello", "1.0", "/s/aaa-hello-1.0", 3),
    ],
  };
  it("prints canonically (sorted) and parses back", () => {
    const text = printManifest(m);
    const back = parseManifest(text, "m");
    expect(back.elements.map((e) => e.name)).toEqual(["hello", "tool"]);
    expect(printManifest(back)).toBe(text);
    expect(back.elements[1]!.origin).toEqual({ file: "/r/x.ts", attr: "tool" });
  });
  it("refuses malformed manifests with E_PROFILE_MANIFEST", () => {
    for (const bad of ["", "{", "[]", '{"version":2,"elements":[]}', '{"version":1,"elements":[{"name":"a"}]}',
      '{"version":1,"elements":[{"name":"a","version":"","outputs":["out"],"storePaths":[],"priority":5}]}']) {
      expect(code(() => parseManifest(bad, "x"))).toBe("E_PROFILE_MANIFEST");
    }
  });
  it("install replaces an element of the same name (nix-env -i)", () => {
    const r = addElements(m, [el("hello", "1.1", "/s/ddd-hello-1.1")]);
    expect(r.replaced.map((e) => e.version)).toEqual(["1.0"]);
    expect(r.manifest.elements.map((e) => `${e.name}-${e.version}`)).toEqual(["hello-1.1", "tool-2.0"]);
  });
  it("remove by name, full name or index; an unknown selector is an error", () => {
    expect(removeElements(m, ["hello"]).manifest.elements.map((e) => e.name)).toEqual(["tool"]);
    expect(removeElements(m, ["tool-2.0"]).manifest.elements.map((e) => e.name)).toEqual(["hello"]);
    expect(removeElements(m, ["1"]).removed.map((e) => e.name)).toEqual(["tool"]);
    expect(code(() => removeElements(m, ["nope"]))).toBe("E_PROFILE_NO_ELEMENT");
    expect(code(() => removeElements(m, ["7"]))).toBe("E_PROFILE_NO_ELEMENT");
  });
  it("elementForPath splits the store name", () => {
    expect(elementForPath("/s/x-hello-2.12", "hello-2.12")).toMatchObject({ name: "hello", version: "2.12", outputs: ["out"], priority: 5 });
  });
});

describe("delete-generations specs (Nix profiles.cc)", () => {
  const day = 86400;
  const now = 100 * day;
  // generations 1..6 made 10, 8, 6, 4, 2, 1 days ago; current 4 (5 and 6 are newer than it)
  const gens = [10, 8, 6, 4, 2, 1].map((d, i) => ({ number: i + 1, created: now - d * day }));
  it("parses every form", () => {
    expect(parseDeleteSpec(["old"])).toEqual({ kind: "old" });
    expect(parseDeleteSpec(["+3"])).toEqual({ kind: "keep", n: 3 });
    expect(parseDeleteSpec(["5d"])).toEqual({ kind: "older", days: 5 });
    expect(parseDeleteSpec(["1", "3"])).toEqual({ kind: "numbers", numbers: [1, 3] });
    expect(code(() => parseDeleteSpec([]))).toBe("E_USAGE");
    expect(code(() => parseDeleteSpec(["old", "3"]))).toBe("E_USAGE");
    expect(code(() => parseDeleteSpec(["x"]))).toBe("E_USAGE");
    expect(code(() => parseDeleteSpec(["+0"]))).toBe("E_PROFILE_REFUSED");
  });
  it("old: all but the current", () => expect(selectForDeletion({ kind: "old" }, gens, 4, now)).toEqual([1, 2, 3, 5, 6]));
  it("numbers", () => expect(selectForDeletion({ kind: "numbers", numbers: [2, 1] }, gens, 4, now)).toEqual([1, 2]));
  it("numbers: the current one or a missing one is refused", () => {
    expect(code(() => selectForDeletion({ kind: "numbers", numbers: [1, 4] }, gens, 4, now))).toBe("E_PROFILE_REFUSED");
    expect(code(() => selectForDeletion({ kind: "numbers", numbers: [9] }, gens, 4, now))).toBe("E_PROFILE_NO_GENERATION");
  });
  it("+N keeps N from the current one down, and everything newer", () => {
    expect(selectForDeletion({ kind: "keep", n: 2 }, gens, 4, now)).toEqual([1, 2]);
    expect(selectForDeletion({ kind: "keep", n: 1 }, gens, 6, now)).toEqual([1, 2, 3, 4, 5]);
    expect(selectForDeletion({ kind: "keep", n: 10 }, gens, 6, now)).toEqual([]);
  });
  it("Nd keeps the generation that was live at the cutoff, and the current one", () => {
    // cutoff 5 days ago: generation 4 (4 days ago) is newer, generation 3 (6 days ago) was live then
    expect(selectForDeletion({ kind: "older", days: 5 }, gens, 6, now)).toEqual([1, 2]);
    expect(selectForDeletion({ kind: "older", days: 5 }, gens, 1, now)).toEqual([2]);
    expect(selectForDeletion({ kind: "older", days: 30 }, gens, 6, now)).toEqual([]);
  });
});

/** An in-memory package tree reader: paths like "/real/p1/bin/x". */
function memReader(trees: Record<string, unknown>): TreeReader {
  const at = (p: string): unknown => {
    let cur: unknown = trees;
    for (const part of p.split("/").filter(Boolean)) {
      if (typeof cur !== "object" || cur === null) return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
  return {
    readDir: (p) => {
      const d = at(p);
      return typeof d === "object" && d !== null ? Object.entries(d).map(([name, v]) => ({ name, isDir: typeof v === "object" })) : undefined;
    },
  };
}

describe("buildUnion (buildenv)", () => {
  const reader = memReader({
    real: {
      a: { bin: { a: "f" }, share: { man: { man1: { "a.1": "f" } } }, "manifest.json": "f" },
      b: { bin: { b: "f" }, share: { man: { man1: { "b.1": "f" } }, doc: { b: { README: "f" } } } },
      c: { bin: { a: "f" } },
      d: { bin: "f" },
    },
  });
  const pkg = (x: string, priority = 5) => ({ storePath: `/s/${x}`, realPath: `/real/${x}`, label: `${x}-1.0`, priority });
  const links = (t: ReturnType<typeof buildUnion>) => {
    const out: string[] = [];
    const walk = (d: typeof t, rel: string) => {
      for (const [n, c] of d.entries) {
        if (c.kind === "link") out.push(`${rel}${n} -> ${c.logical}`);
        else walk(c, `${rel}${n}/`);
      }
    };
    walk(t, "");
    return out.sort();
  };
  it("one package: a symlink per top-level entry; the reserved name is skipped", () => {
    expect(links(buildUnion([pkg("a")], reader, { reservedTopLevel: ["manifest.json"] }))).toEqual(["bin -> /s/a/bin", "share -> /s/a/share"]);
  });
  it("directories merge recursively; single-owner subtrees stay one link", () => {
    const u = buildUnion([pkg("a"), pkg("b")], reader);
    expect(links(u)).toEqual([
      "bin/a -> /s/a/bin/a",
      "bin/b -> /s/b/bin/b",
      "manifest.json -> /s/a/manifest.json",
      "share/doc -> /s/b/share/doc",
      "share/man/man1/a.1 -> /s/a/share/man/man1/a.1",
      "share/man/man1/b.1 -> /s/b/share/man/man1/b.1",
    ]);
    expect(countEntries(u)).toEqual({ links: 6, dirs: 5 });
  });
  it("a file two packages provide is an error naming both and the file", () => {
    let err: unknown;
    try {
      buildUnion([pkg("a"), pkg("c")], reader);
    } catch (e) {
      err = e;
    }
    expect(isCairnError(err, "E_PROFILE_CONFLICT")).toBe(true);
    expect((err as { data: Record<string, unknown> }).data).toMatchObject({ file: "bin/a", packages: ["a-1.0", "c-1.0"] });
    expect((err as Error).message).toContain("a-1.0");
    expect((err as Error).message).toContain("c-1.0");
  });
  it("the lower priority number wins, whatever the order", () => {
    expect(links(buildUnion([pkg("a"), pkg("c", 1)], reader)).filter((l) => l.startsWith("bin/a"))).toEqual(["bin/a -> /s/c/bin/a"]);
    expect(links(buildUnion([pkg("a", 1), pkg("c")], reader)).filter((l) => l.startsWith("bin/a"))).toEqual(["bin/a -> /s/a/bin/a"]);
  });
  it("a directory against a file collides too", () => {
    expect(code(() => buildUnion([pkg("a"), pkg("d")], reader))).toBe("E_PROFILE_CONFLICT");
    expect(links(buildUnion([pkg("a"), pkg("d", 9)], reader))).toContain("bin -> /s/a/bin");
  });
  it("a package that is not a directory is refused", () => {
    expect(code(() => buildUnion([{ ...pkg("x"), realPath: "/real/a/bin/a" }], reader))).toBe("E_PROFILE_NOT_DIR");
  });
  it("the tree is a valid NAR and does not depend on input order of equal-priority disjoint packages", () => {
    const extra = new Map([["manifest.json", Buffer.from("{}")]]);
    const n1 = narBytes(unionTree(buildUnion([pkg("a"), pkg("b")], reader, { reservedTopLevel: ["manifest.json"] }), extra));
    const n2 = narBytes(unionTree(buildUnion([pkg("b"), pkg("a")], reader, { reservedTopLevel: ["manifest.json"] }), extra));
    expect(Buffer.compare(Buffer.from(n1), Buffer.from(n2))).toBe(0);
  });
});

describe("diffs", () => {
  const a: Manifest = { version: 1, elements: [el("hello", "1.0", "/s/1"), el("foo", "2.0", "/s/2"), el("bar", "1", "/s/3")] };
  const b: Manifest = { version: 1, elements: [el("hello", "1.1", "/s/4"), el("foo", "1.9", "/s/5"), el("baz", "3", "/s/6"), el("bar", "1", "/s/3")] };
  it("nvd-style: version changes, added, removed, closure size", () => {
    const d = diffManifests(a, b, {
      before: [{ path: "/s/1", narSize: 1000 }, { path: "/s/2", narSize: 1000 }],
      after: [{ path: "/s/4", narSize: 1000 }, { path: "/s/5", narSize: 2000 }, { path: "/s/6", narSize: 1024 }],
    });
    expect(d.added).toEqual([{ name: "baz", version: "3" }]);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((c) => [c.name, c.kind])).toEqual([
      ["foo", "downgrade"],
      ["hello", "upgrade"],
    ]);
    const text = printElementDiff(d, "A", "B");
    expect(text).toBe(
      [
        "<<< A",
        ">>> B",
        "Version changes:",
        "[D]  foo  2.0 -> 1.9",
        "[U]  hello  1.0 -> 1.1",
        "Added packages:",
        "[A]  baz  3",
        "Closure size: 2 -> 3 (3 paths added, 2 paths removed, delta +1, disk usage +2.0 KiB).",
        "",
      ].join("\n"),
    );
    expect(summariseDiff(d)).toBe("+baz-3, foo 2.0 -> 1.9, hello 1.0 -> 1.1");
    expect(printElementDiff(diffManifests(a, a), "A", "A")).toContain("No version or selection state changes.");
    expect(diffManifests(b, emptyManifest()).removed.map((r) => r.name)).toEqual(["bar", "baz", "foo", "hello"]);
  });
  it("humanBytes", () => {
    expect(humanBytes(512)).toBe("512 B");
    expect(humanBytes(1536, true)).toBe("+1.5 KiB");
    expect(humanBytes(-3 * 1024 * 1024, true)).toBe("-3.0 MiB");
  });
  it("diff-closures as Nix: versions by name, sizes of 8 KiB or more", () => {
    const name = (p: string) => p.slice(3);
    const cs = diffClosures(
      [{ path: "/s/hello-1.0", narSize: 10_000 }, { path: "/s/libx-2.0", narSize: 100 }, { path: "/s/libx-2.0-dev", narSize: 100 }, { path: "/s/same-1", narSize: 5 }],
      [{ path: "/s/hello-1.1", narSize: 30_480 }, { path: "/s/new-0.1", narSize: 1 }, { path: "/s/same-1", narSize: 5 }],
      name,
    );
    expect(printClosureChanges(cs)).toBe(["hello: 1.0 → 1.1, +20.0 KiB", "libx: 2.0 → ∅", "new: ∅ → 0.1", ""].join("\n"));
  });
});

describe("env lines", () => {
  it("quote and put bin/ and share/man first", () => {
    const t = envLines("/home/u/.local/share/cairn/var/cairn/profiles/default");
    expect(t).toContain(`export PATH=/home/u/.local/share/cairn/var/cairn/profiles/default/bin"\${PATH:+:$PATH}"`);
    expect(t).toContain("export MANPATH=/home/u/.local/share/cairn/var/cairn/profiles/default/share/man:");
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
    expect(pathWith(["/s/a", "/s/b"], "/usr/bin")).toBe("/s/a/bin:/s/b/bin:/usr/bin");
  });
});
