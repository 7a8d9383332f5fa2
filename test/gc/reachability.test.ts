// gc/reachability.ts: marking and deletion order, with fixed cases and fast-check properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chainTo, computeReachability, deletionOrder, type StoreGraph } from "../../gc/reachability.js";

/** A random DAG over p0..p(n-1): references only point at lower indices (content addressing). */
const arbGraph = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc
    .tuple(
      fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
      fc.array(fc.nat({ max: n + 2 }), { maxLength: 5 }),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    )
    .map(([refs, roots, selfRef]) => {
      const name = (i: number) => `/s/${String(i).padStart(3, "0")}`;
      const references = new Map<string, string[]>();
      for (let i = 0; i < n; i++) {
        const r = refs[i]!.filter((j) => j < i).map(name);
        if (selfRef[i]) r.push(name(i));
        references.set(name(i), r);
      }
      // Roots may name paths that are not valid (index >= n): they must be ignored.
      return { graph: { references } as StoreGraph, roots: roots.map(name) };
    }),
);

function closure(graph: StoreGraph, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = roots.filter((r) => graph.references.has(r));
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    todo.push(...graph.references.get(p)!);
  }
  return seen;
}

describe("computeReachability", () => {
  it("nothing reachable from a root is dead; dead is exactly the complement of live", () => {
    fc.assert(
      fc.property(arbGraph, ({ graph, roots }) => {
        const r = computeReachability(roots, graph, { keepDerivations: false });
        const expected = closure(graph, roots);
        expect([...r.live].sort()).toEqual([...expected].sort());
        const all = [...graph.references.keys()];
        expect([...r.dead].sort()).toEqual(all.filter((p) => !expected.has(p)).sort());
        for (const d of r.dead) expect(r.live.has(d)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("deletion order puts every referrer before what it refers to", () => {
    fc.assert(
      fc.property(arbGraph, ({ graph, roots }) => {
        const r = computeReachability(roots, graph);
        const pos = new Map(r.dead.map((p, i) => [p, i]));
        expect(new Set(r.dead).size).toBe(r.dead.length);
        for (const p of r.dead) {
          for (const q of graph.references.get(p)!) {
            if (q !== p && pos.has(q)) expect(pos.get(p)!).toBeLessThan(pos.get(q)!);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("parent chains lead from a root to each live path along references", () => {
    fc.assert(
      fc.property(arbGraph, ({ graph, roots }) => {
        const r = computeReachability(roots, graph);
        for (const p of r.live) {
          const chain = chainTo(r.parent, p);
          expect(roots).toContain(chain[0]);
          expect(chain[chain.length - 1]).toBe(p);
          for (let i = 1; i < chain.length; i++) expect(graph.references.get(chain[i - 1]!)).toContain(chain[i]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keep-derivations keeps a live output's deriver; keep-outputs keeps a live drv's outputs", () => {
    const references = new Map<string, string[]>([
      ["/s/a.drv", ["/s/src"]],
      ["/s/src", []],
      ["/s/a", []],
      ["/s/b.drv", []],
      ["/s/b", []],
    ]);
    const graph: StoreGraph = {
      references,
      derivers: new Map([["/s/a", "/s/a.drv"], ["/s/b", "/s/b.drv"]]),
      outputs: new Map([["/s/a.drv", ["/s/a"]], ["/s/b.drv", ["/s/b"]]]),
    };
    const kd = computeReachability(["/s/a"], graph);
    expect([...kd.live].sort()).toEqual(["/s/a", "/s/a.drv", "/s/src"]);
    const none = computeReachability(["/s/a"], graph, { keepDerivations: false });
    expect([...none.live]).toEqual(["/s/a"]);
    const ko = computeReachability(["/s/b.drv"], graph, { keepOutputs: true });
    expect([...ko.live].sort()).toEqual(["/s/b", "/s/b.drv"]);
    const noKo = computeReachability(["/s/b.drv"], graph);
    expect([...noKo.live]).toEqual(["/s/b.drv"]);
  });

  it("deletionOrder does not lose paths on a cycle", () => {
    const refs = new Map([["/s/x", ["/s/y"]], ["/s/y", ["/s/x"]], ["/s/z", ["/s/x"]]]);
    const order = deletionOrder(["/s/x", "/s/y", "/s/z"], refs);
    expect([...order].sort()).toEqual(["/s/x", "/s/y", "/s/z"]);
    expect(order.indexOf("/s/z")).toBeLessThan(order.indexOf("/s/x"));
  });
});
