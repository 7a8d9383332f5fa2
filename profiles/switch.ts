// Switching a profile between its generations, under the profile's lock: switch-generation and
// rollback. Kept apart from profile.ts so these two commands load only what they need (no store
// database, no environment builder). Nix: switchGeneration/rollbackProfile in nix-env.cc.
//
// Rollback goes to the current generation's *parent*: the generation that was current when it was
// made (recorded by createGeneration). After 1 -> 2 -> rollback -> install, the new generation 3
// has parent 1, so rolling back from 3 returns to 1, not to 2. A generation without a record
// (made by another tool) falls back to Nix's rule, the highest lower number.
import type { Layout } from "../store/layout.js";
import { CairnError } from "../store/format/errors.js";
import { currentGeneration, generationTarget, parentOf, removeStaleTemps, switchGeneration, type Crash, type ProfileRef } from "./generations.js";
import { lockProfile, type ProfileLock } from "./lock.js";

export interface ProfileContext {
  layout: Layout;
  ref: ProfileRef;
  crash?: Crash;
  /** Seconds since the epoch. */
  now: () => number;
  /** Progress and notices (stderr). */
  log: (line: string) => void;
}

/** Run `f` holding the profile's lock (after clearing temp links a crash left behind). */
export async function locked<T>(pc: ProfileContext, f: () => T | Promise<T>): Promise<T> {
  const lock: ProfileLock = await lockProfile(pc.ref.link, { onWait: () => pc.log(`waiting for the lock on profile '${pc.ref.link}'`) });
  try {
    removeStaleTemps(pc.ref);
    return await f();
  } finally {
    lock.release();
  }
}

export interface Switched {
  from: number | undefined;
  to: number;
}

/** Switch to generation `n`; refuses (changing nothing) when it does not exist. */
export async function switchTo(pc: ProfileContext, n: number): Promise<Switched> {
  return locked(pc, () => {
    const from = currentGeneration(pc.ref);
    generationTarget(pc.ref, n); // throws E_PROFILE_NO_GENERATION
    switchGeneration(pc.ref, n, pc.crash);
    return { from, to: n };
  });
}

/**
 * Where `rollback` goes: the current generation's parent. Refuses at the first generation or a
 * deleted parent. The caller holds the lock (the system profile syncs its boot entries under it).
 */
export function rollbackTarget(pc: ProfileContext): Switched {
  const from = currentGeneration(pc.ref);
  if (from === undefined) throw new CairnError("E_PROFILE_NO_GENERATION", `profile '${pc.ref.link}' does not exist`, { profile: pc.ref.link });
  const parent = parentOf(pc.ref, from);
  if (parent === undefined) {
    throw new CairnError("E_PROFILE_REFUSED", `generation ${from} is the first one of '${pc.ref.link}': there is nothing to roll back to`, {
      profile: pc.ref.link,
      generation: from,
    });
  }
  try {
    generationTarget(pc.ref, parent);
  } catch {
    throw new CairnError(
      "E_PROFILE_NO_GENERATION",
      `generation ${from} was made from generation ${parent}, which has been deleted; use switch-generation`,
      { profile: pc.ref.link, generation: parent },
    );
  }
  return { from, to: parent };
}

/** Switch to the current generation's parent; refuses at the first generation or a deleted parent. */
export async function rollback(pc: ProfileContext): Promise<Switched> {
  return locked(pc, () => {
    const r = rollbackTarget(pc);
    switchGeneration(pc.ref, r.to, pc.crash);
    return r;
  });
}
