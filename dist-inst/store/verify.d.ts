import type { LocalStore } from "./local-store.js";
export type ProblemKind = "missing" | "hash-mismatch" | "size-mismatch" | "not-canonical" | "invalid-reference" | "unreadable";
export interface Problem {
    path: string;
    kind: ProblemKind;
    detail: string;
    repaired: boolean;
}
export interface VerifyOptions {
    paths?: string[];
    checkContents?: boolean;
    repair?: boolean;
    onProgress?: (done: number, total: number, path: string) => void;
}
export interface VerifyReport {
    checked: number;
    problems: Problem[];
    /** Entries of the store directory that are not valid paths (collected by `cairn gc`). */
    garbage: string[];
}
export declare function verifyStore(store: LocalStore, opts?: VerifyOptions): VerifyReport;
