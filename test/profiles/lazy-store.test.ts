// LazyStore: the profile commands' store, opened on first await (after a recipe's evaluation is
// sent to its thread), once, and closed only if it was opened.
import { describe, expect, it } from "vitest";
import { LazyStore } from "../../cli/context.js";
import type { LocalStore } from "../../store/local-store.js";

function fakeStore() {
  let closed = 0;
  const store = { close: () => void closed++ } as unknown as LocalStore;
  return { store, closed: () => closed };
}

describe("LazyStore", () => {
  it("opens on the first await only, once, and closes what it opened", async () => {
    const f = fakeStore();
    let opens = 0;
    const lazy = new LazyStore(async () => (opens++, f.store));
    expect(opens).toBe(0);
    expect(await lazy).toBe(f.store);
    expect(await lazy).toBe(f.store);
    expect(opens).toBe(1);
    await lazy.close();
    expect(f.closed()).toBe(1);
  });

  it("never opened: close does nothing", async () => {
    let opens = 0;
    const lazy = new LazyStore(async () => (opens++, fakeStore().store));
    await lazy.close();
    expect(opens).toBe(0);
  });

  it("an error opening reaches whoever awaits; close then does not throw", async () => {
    const lazy = new LazyStore(async () => {
      throw new Error("cannot open the database");
    });
    await expect(Promise.resolve(lazy)).rejects.toThrow("cannot open the database");
    await expect(lazy.close()).resolves.toBeUndefined();
  });
});
