interface Data {
    cairnEntry: string;
    cacheDir?: string;
}
interface ResolveContext {
    parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{
    url: string;
    format?: string;
}>;
type NextLoad = (url: string, context: unknown) => Promise<{
    format: string;
    source?: string | Uint8Array;
}>;
export declare function initialize(d: Data): void;
export declare function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{
    url: string;
    format?: string;
    shortCircuit: boolean;
}>;
export declare function load(url: string, context: unknown, next: NextLoad): Promise<{
    format: string;
    source?: string | Uint8Array;
} | {
    format: string;
    source: string;
    shortCircuit: boolean;
}>;
export {};
