// One evaluation: the store dir, the store that path() copies into, every derivation and text
// object made so far, and the index that turns store paths in strings back into string context.
// Nix keeps context on each string; JS strings cannot carry it, so cairn recovers it by finding
// the hash parts of paths made in this evaluation (NIX-COMPAT.md §5.6.2), plus object identity
// where a derivation value is used directly.
import { CairnError } from "../store/format/index.js";

/** What evaluation needs from a store (LocalStore satisfies it). */
export interface EvalStore {
  readonly storeDir: string;
  addPath(source: string, opts?: { method?: "recursive" | "flat"; name?: string }): string;
}

export interface MadeDerivation {
  drvPath: string;
  name: string;
  /** Output name -> path. */
  outputs: ReadonlyMap<string, string>;
  /** ATerm text of the .drv file, as a byte string (see store/format/derivation.ts). */
  aterm: string;
  /** Its sha256, hex (the .drv's content hash). */
  atermHash: string;
  /** inputSrcs and inputDrvs: the .drv file's references. */
  references: string[];
  /** hashDerivationModulo of the final derivation, hex (what its dependents' ATerms print). */
  moduloHex: string;
}

export interface MadeText {
  path: string;
  name: string;
  bytes: Uint8Array;
  references: string[];
}

export type Origin =
  | { kind: "output"; path: string; drvPath: string; output: string }
  | { kind: "source"; path: string }
  | { kind: "drv"; path: string };

export class EvalState {
  readonly drvs = new Map<string, MadeDerivation>();
  readonly texts = new Map<string, MadeText>();
  /** 32-char hash part -> what has that hash part (several for fixed outputs sharing a path). */
  readonly byHashPart = new Map<string, Origin[]>();
  /** Absolute file system path -> its store path (a path is copied once per evaluation). */
  readonly pathLiterals = new Map<string, string>();
  /** `drvPath!output` of derivation values that were turned into strings (see coerce.ts). */
  readonly stringified = new Set<string>();
  /** The same, since the last derivation() call: the template strings of its own attributes. */
  readonly recentlyStringified = new Set<string>();
  /** Told of each .drv and toFile object as it is made (the worker streams them to the store). */
  onMade: ((path: string) => void) | undefined;

  constructor(
    readonly storeDir: string,
    readonly store: EvalStore | undefined,
  ) {}

  addOrigin(hashPart: string, o: Origin): void {
    const list = this.byHashPart.get(hashPart);
    if (list === undefined) this.byHashPart.set(hashPart, [o]);
    else if (!list.some((x) => x.kind === o.kind && x.path === o.path && (x.kind !== "output" || (o.kind === "output" && x.drvPath === o.drvPath && x.output === o.output)))) {
      list.push(o);
    }
  }
}

let current: EvalState | undefined;

/** Start an evaluation; recipes' derivation()/toFile()/path() calls land in it. */
export function beginEvaluation(storeDir: string, store?: EvalStore): EvalState {
  current = new EvalState(storeDir, store);
  return current;
}

export function endEvaluation(): void {
  current = undefined;
}

export function evalState(): EvalState {
  if (current === undefined) {
    throw new CairnError(
      "E_EVAL",
      "no evaluation in progress: recipes are evaluated by `cairn instantiate|build`, or after beginEvaluation()",
    );
  }
  return current;
}
