/** A syntax error whose message starts with "file[:line:column]: ". */
export declare class LocatedSyntaxError extends SyntaxError {
}
/** `file`'s source as JavaScript, or a SyntaxError "file:line:column: message". */
export declare function stripTypes(file: string, source: string): string;
/**
 * Where a syntax error V8 found lies, when the stripper finds it too (V8 reports module syntax
 * errors without a position); undefined otherwise.
 */
export declare function locateSyntaxError(file: string, source: string): string | undefined;
/**
 * A content-addressed cache of derived files (stripped code, code caches); writes are atomic,
 * unused files are pruned (cache-dir.ts).
 */
export declare class RecipeCache {
    private readonly dir;
    constructor(dir: string | undefined);
    key(...parts: string[]): string;
    private file;
    read(key: string, ext: string): Buffer | undefined;
    write(key: string, ext: string, data: string | Uint8Array): void;
    /** The stripped form of a TypeScript source, cached. */
    stripped(file: string, source: string): string;
}
