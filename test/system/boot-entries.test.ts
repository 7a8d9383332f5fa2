// The pure parts of the system profile: entry file names and boot counters, entry and loader.conf
// text, systemd-boot 252's order and default, and the ESP plan (sharing, pruning, the room needed).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  blobName,
  bootOrder,
  compareBootEntries,
  defaultEntry,
  describeState,
  entryState,
  entryText,
  formatEntryName,
  generationFromCmdline,
  loaderConfText,
  parseBlobName,
  parseEntryName,
  parseEntryText,
  SORT_KEY,
  strverscmpImproved,
  type EntryName,
} from "../../profiles/system/boot-entries.js";
import { bytesNeeded, planBless, planEsp, type EspState, type WantedGeneration } from "../../profiles/system/esp-plan.js";
import { isCairnError } from "../../store/format/errors.js";

const H = (c: string) => c.repeat(32); // a content hash in nix32 ("0" and "1" are nix32 digits)

describe("entry file names and boot counters", () => {
  it("parses the names systemd-boot's counting produces", () => {
    expect(parseEntryName("cairn-4.conf")).toEqual({ generation: 4 });
    expect(parseEntryName("cairn-4+3.conf")).toEqual({ generation: 4, counter: { left: 3 } });
    expect(parseEntryName("cairn-4+2-1.conf")).toEqual({ generation: 4, counter: { left: 2, done: 1 } });
    expect(parseEntryName("cairn-12+0-3.conf")).toEqual({ generation: 12, counter: { left: 0, done: 3 } });
  });

  it("leaves other files alone", () => {
    for (const f of ["debian-6.1.conf", "cairn-0.conf", "cairn-01.conf", "cairn-.conf", "cairn-4.conf.tmp", ".cairn-tmp-1-ab", "cairn-4+.conf", "cairn-4+1-.conf", "cairn-x.conf", "CAIRN-4.conf"]) {
      expect(parseEntryName(f), f).toBeUndefined();
    }
  });

  it("format and parse are inverse (property)", () => {
    const name = fc.record(
      {
        generation: fc.integer({ min: 1, max: 1e9 }),
        counter: fc.record({ left: fc.integer({ min: 0, max: 99 }), done: fc.integer({ min: 0, max: 99 }) }, { requiredKeys: ["left"] }),
      },
      { requiredKeys: ["generation"] },
    );
    fc.assert(
      fc.property(name, (n: EntryName) => {
        expect(parseEntryName(formatEntryName(n))).toEqual(n);
      }),
    );
  });

  it("says good, tries left or bad", () => {
    expect([entryState({ generation: 1 }), describeState({ generation: 1 })]).toEqual(["good", "good"]);
    expect([entryState({ generation: 1, counter: { left: 3 } }), describeState({ generation: 1, counter: { left: 3 } })]).toEqual(["counting", "3 tries left"]);
    expect(describeState({ generation: 1, counter: { left: 1, done: 2 } })).toBe("1 try left");
    expect([entryState({ generation: 1, counter: { left: 0, done: 3 } }), describeState({ generation: 1, counter: { left: 0, done: 3 } })]).toEqual([
      "bad",
      "bad (3 tries used)",
    ]);
  });

  it("refuses to name generation 0", () => {
    let e: unknown;
    try {
      formatEntryName({ generation: 0 });
    } catch (x) {
      e = x;
    }
    expect(isCairnError(e, "E_USAGE")).toBe(true);
  });

  it("reads cairn.gen= from a kernel command line", () => {
    expect(generationFromCmdline("initrd=\\cairn\\x console=ttyS0 init=/s/x cairn.gen=12 quiet\n")).toBe(12);
    expect(generationFromCmdline("BOOT_IMAGE=/vmlinuz root=/dev/sda1")).toBeUndefined();
    expect(generationFromCmdline("xcairn.gen=3 cairn.gen=x")).toBeUndefined();
  });
});

describe("entry text and loader.conf", () => {
  const spec = { generation: 7, label: "web", kernelVersion: "6.1.0-56-amd64", sortKey: SORT_KEY.current, linux: "/cairn/k-linux", initrd: "/cairn/i-initrd", kernelParams: "console=ttyS0 panic=1", init: "/s/abc-init" };

  it("has the BLS keys, options = kernel-params + init= + cairn.gen=", () => {
    const f = parseEntryText(entryText(spec));
    expect(f.get("title")).toEqual(["cairn web (generation 7, linux 6.1.0-56-amd64)"]);
    expect(f.get("version")).toEqual(["7"]);
    expect(f.get("sort-key")).toEqual([SORT_KEY.current]);
    expect(f.get("linux")).toEqual(["/cairn/k-linux"]);
    expect(f.get("initrd")).toEqual(["/cairn/i-initrd"]);
    expect(f.get("options")).toEqual(["console=ttyS0 panic=1 init=/s/abc-init cairn.gen=7"]);
  });

  it("refuses a label with a newline", () => {
    expect(() => entryText({ ...spec, label: "a\nlinux /evil" })).toThrow(/one line/);
  });

  it("loader.conf: cairn owns the default line and keeps the others", () => {
    expect(loaderConfText(undefined)).toMatch(/^default cairn-\*$/m);
    expect(loaderConfText("timeout 5\ndefault debian-*\neditor no\n")).toBe("timeout 5\neditor no\ndefault cairn-*\n");
    const once = loaderConfText("timeout 0\n");
    expect(loaderConfText(once)).toBe(once);
  });
});

describe("systemd-boot's order", () => {
  it("strverscmp_improved orders versions as systemd documents", () => {
    const asc = ["122.1", "123~rc1-1", "123", "123-a", "123-a.1", "123-1", "123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1", "124-1"];
    for (let i = 0; i < asc.length; i++) {
      for (let j = 0; j < asc.length; j++) {
        expect(Math.sign(strverscmpImproved(asc[i]!, asc[j]!)), `${asc[i]} vs ${asc[j]}`).toBe(Math.sign(i - j));
      }
    }
    expect(strverscmpImproved("cairn-10.conf", "cairn-9+3.conf")).toBeGreaterThan(0);
    expect(strverscmpImproved("007", "7")).toBe(0);
  });

  it("without sort keys: newest id first, exhausted entries last", () => {
    const e = (file: string) => ({ file });
    expect(bootOrder([e("cairn-9.conf"), e("cairn-10+0-3.conf"), e("cairn-10.conf"), e("cairn-2+3.conf")]).map((x) => x.file)).toEqual([
      "cairn-10.conf",
      "cairn-9.conf",
      "cairn-2+3.conf",
      "cairn-10+0-3.conf",
    ]);
  });

  it("with sort keys: key, then version newest first; entries with a key before those without", () => {
    const entries = [
      { file: "cairn-3+3.conf", sortKey: SORT_KEY.untested, version: "3" },
      { file: "cairn-1.conf", sortKey: SORT_KEY.current, version: "1" },
      { file: "cairn-2.conf", sortKey: SORT_KEY.good, version: "2" },
      { file: "cairn-10.conf", sortKey: SORT_KEY.good, version: "10" },
      { file: "zzz-other.conf" },
    ];
    expect(bootOrder(entries).map((x) => x.file)).toEqual(["cairn-1.conf", "cairn-10.conf", "cairn-2.conf", "cairn-3+3.conf", "zzz-other.conf"]);
    expect(defaultEntry(entries)!.file).toBe("cairn-1.conf");
  });

  it("a current generation whose tries ran out falls back to the newest good one, not a newer untested one", () => {
    const entries = [
      { file: "cairn-4+0-3.conf", sortKey: SORT_KEY.current, version: "4" },
      { file: "cairn-3+3.conf", sortKey: SORT_KEY.untested, version: "3" },
      { file: "cairn-2.conf", sortKey: SORT_KEY.good, version: "2" },
      { file: "cairn-1.conf", sortKey: SORT_KEY.good, version: "1" },
    ];
    expect(defaultEntry(entries)!.file).toBe("cairn-2.conf");
    expect(bootOrder(entries).at(-1)!.file).toBe("cairn-4+0-3.conf");
  });

  it("the compare is antisymmetric (property)", () => {
    const entry = fc.record({
      file: fc.tuple(fc.integer({ min: 1, max: 30 }), fc.option(fc.tuple(fc.nat(3), fc.nat(3)))).map(([g, c]) => formatEntryName({ generation: g, ...(c ? { counter: { left: c[0], done: c[1] } } : {}) })),
      sortKey: fc.constantFrom(SORT_KEY.current, SORT_KEY.good, SORT_KEY.untested),
      version: fc.integer({ min: 1, max: 30 }).map(String),
    });
    fc.assert(fc.property(entry, entry, (a, b) => Math.sign(compareBootEntries(a, b)) === -Math.sign(compareBootEntries(b, a))));
  });
});

describe("the ESP plan", () => {
  const empty = (): EspState => ({ entries: [], blobs: new Map(), loaderConf: undefined, dirs: new Set(), temps: [] });
  const gen = (n: number, kernel: string, initrd = "1", params = "console=ttyS0"): WantedGeneration => ({
    generation: n,
    kernel: { hash: H(kernel), size: 8_000_000, source: `/store/${kernel}/vmlinuz` },
    initrd: { hash: H(initrd), size: 1_000_000, source: `/store/${initrd}/initrd` },
    kernelParams: params,
    init: "/store/x-init",
  });
  /** The ESP after carrying out a plan's writes and prunes (in memory). */
  const applied = (s: EspState, plan: ReturnType<typeof planEsp>): EspState => {
    const next: EspState = { entries: [...s.entries], blobs: new Map(s.blobs), loaderConf: s.loaderConf, dirs: new Set(s.dirs), temps: [] };
    for (const o of [...plan.writes, ...plan.prunes]) {
      const [dir, file] = [o.rel.slice(0, o.rel.lastIndexOf("/")), o.rel.slice(o.rel.lastIndexOf("/") + 1)];
      if (o.op === "mkdir") next.dirs.add(o.rel);
      else if (o.op === "copy") next.blobs.set(file, o.size);
      else if (o.op === "write" && dir === "loader/entries") {
        next.entries = next.entries.filter((e) => e.file !== file);
        next.entries.push({ file, name: parseEntryName(file)!, text: o.text });
      } else if (o.op === "write") next.loaderConf = o.text;
      else if (o.op === "remove" && dir === "loader/entries") next.entries = next.entries.filter((e) => e.file !== file);
      else if (o.op === "remove") next.blobs.delete(file);
    }
    return next;
  };

  it("copies a kernel once for the generations that share it, and writes one entry each, newest first", () => {
    const p = planEsp(empty(), [gen(1, "a"), gen(2, "a", "1", "console=ttyS0 quiet")], { current: 2, tries: 3 });
    expect(p.writes.filter((o) => o.op === "copy").map((o) => o.rel)).toEqual([`cairn/${blobName(H("a"), "linux")}`, `cairn/${blobName(H("1"), "initrd")}`]);
    expect(p.writes.filter((o) => o.op === "write").map((o) => o.rel)).toEqual(["loader/entries/cairn-2+3.conf", "loader/entries/cairn-1+3.conf", "loader/loader.conf"]);
    expect(p.prunes).toEqual([]);
    // Kernels and initrds come before every entry that names them.
    const firstEntry = p.writes.findIndex((o) => o.op === "write");
    expect(p.writes.slice(firstEntry).some((o) => o.op === "copy")).toBe(false);
  });

  it("an existing entry keeps its name (its counter) and is rewritten only when its text changes", () => {
    let s = applied(empty(), planEsp(empty(), [gen(1, "a")], { current: 1, tries: 3 }));
    // systemd-boot tried it once, then it was blessed
    s.entries = s.entries.map((e) => ({ ...e, file: "cairn-1.conf", name: { generation: 1 } }));
    expect(planEsp(s, [gen(1, "a")], { current: 1, tries: 3 })).toEqual({ writes: [], prunes: [] });
    // a new current generation: gen 1 is rewritten in place with the "good" sort key
    const p = planEsp(s, [gen(1, "a"), gen(2, "b")], { current: 2, tries: 3 });
    const w = p.writes.filter((o) => o.op === "write" && o.rel.startsWith("loader/entries/"));
    expect(w.map((o) => o.rel)).toEqual(["loader/entries/cairn-2+3.conf", "loader/entries/cairn-1.conf"]);
    expect(w[1]!.op === "write" && parseEntryText(w[1]!.text).get("sort-key")).toEqual([SORT_KEY.good]);
    s = applied(s, p);
    expect(defaultEntry(s.entries.map((e) => ({ file: e.file, sortKey: parseEntryText(e.text).get("sort-key")![0], version: parseEntryText(e.text).get("version")![0] })))!.file).toBe("cairn-2+3.conf");
  });

  it("prunes the entries of deleted generations and the files no entry names, after the writes", () => {
    let s = empty();
    s = applied(s, planEsp(s, [gen(1, "a"), gen(2, "b"), gen(3, "b", "2")], { current: 3, tries: 3 }));
    expect(s.blobs.size).toBe(4); // kernels a, b; initrds 1, 2
    const p = planEsp(s, [gen(3, "b", "2")], { current: 3, tries: 3 });
    expect(p.writes).toEqual([]);
    expect(p.prunes.map((o) => o.rel)).toEqual([
      "loader/entries/cairn-1+3.conf",
      "loader/entries/cairn-2+3.conf",
      `cairn/${blobName(H("1"), "initrd")}`,
      `cairn/${blobName(H("a"), "linux")}`,
    ]);
    s = applied(s, p);
    expect([...s.blobs.keys()].map((b) => parseBlobName(b)!.role).sort()).toEqual(["initrd", "linux"]);
  });

  it("of two entries for one generation (a crash mid-bless) keeps the good one", () => {
    const s = applied(empty(), planEsp(empty(), [gen(1, "a")], { current: 1, tries: 3 }));
    const text = s.entries[0]!.text;
    s.entries = [
      { file: "cairn-1+2-1.conf", name: parseEntryName("cairn-1+2-1.conf")!, text },
      { file: "cairn-1.conf", name: { generation: 1 }, text },
    ];
    const p = planEsp(s, [gen(1, "a")], { current: 1, tries: 3 });
    expect(p.prunes.map((o) => o.rel)).toEqual(["loader/entries/cairn-1+2-1.conf"]);
  });

  it("recopies a torn kernel (wrong size) and removes cairn's temp files", () => {
    const s = applied(empty(), planEsp(empty(), [gen(1, "a")], { current: 1, tries: 3 }));
    s.blobs.set(blobName(H("a"), "linux"), 123);
    s.temps = ["cairn/.cairn-tmp-99-abcd"];
    const p = planEsp(s, [gen(1, "a")], { current: 1, tries: 3 });
    expect(p.writes.map((o) => o.op + " " + o.rel)).toEqual([`copy cairn/${blobName(H("a"), "linux")}`]);
    expect(p.prunes.map((o) => o.rel)).toEqual(["cairn/.cairn-tmp-99-abcd"]);
  });

  it("counts the room needed in whole blocks, rewrites included", () => {
    const p = planEsp(empty(), [gen(1, "a")], { current: 1, tries: 3 });
    // three directories, kernel, initrd, one entry, loader.conf, in 4 KiB blocks
    expect(bytesNeeded(p.writes, 4096)).toBe(3 * 4096 + Math.ceil(8_000_000 / 4096) * 4096 + Math.ceil(1_000_000 / 4096) * 4096 + 4096 + 4096);
    expect(bytesNeeded(p.writes, 32768) % 32768).toBe(0);
  });

  it("bless drops the counter and refreshes the sort key", () => {
    const s = applied(empty(), planEsp(empty(), [gen(1, "a"), gen(2, "a")], { current: 2, tries: 3 }));
    const e1 = s.entries.find((e) => e.name.generation === 1)!;
    expect(parseEntryText(e1.text).get("sort-key")).toEqual([SORT_KEY.untested]);
    const p = planBless({ ...e1, file: "cairn-1+2-1.conf", name: parseEntryName("cairn-1+2-1.conf")! }, false);
    expect(p.writes.map((o) => o.rel)).toEqual(["loader/entries/cairn-1.conf"]);
    expect(p.writes[0]!.op === "write" && parseEntryText(p.writes[0]!.text).get("sort-key")).toEqual([SORT_KEY.good]);
    expect(p.prunes.map((o) => o.rel)).toEqual(["loader/entries/cairn-1+2-1.conf"]);
  });
});
