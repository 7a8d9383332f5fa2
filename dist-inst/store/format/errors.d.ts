export type ErrorCode = "E_BAD_BASE32" | "E_BAD_HASH" | "E_BAD_STORE_PATH" | "E_BAD_NAME" | "E_BAD_STORE_DIR" | "E_NAR_FORMAT" | "E_NAR_TRUNCATED" | "E_UNSUPPORTED_FILE_TYPE" | "E_HASH_MISMATCH" | "E_SIZE_MISMATCH" | "E_NOT_FOUND" | "E_EXISTS" | "E_INVALID_PATH" | "E_DB_STORE_DIR_MISMATCH" | "E_DB" | "E_HAS_REFERRERS" | "E_BAD_REFERENCE" | "E_IO" | "E_BAD_DERIVATION" | "E_EVAL" | "E_USAGE" | "E_NOT_BUILT" | "E_BUILD_FAILED" | "E_TIMEOUT" | "E_CHECK_MISMATCH" | "E_SANDBOX" | "E_BAD_OUTPUT" | "E_CANCELLED" | "E_PROFILE" | "E_PROFILE_CONFLICT" | "E_PROFILE_MANIFEST" | "E_PROFILE_NO_ELEMENT" | "E_PROFILE_NOT_DIR" | "E_PROFILE_NO_GENERATION" | "E_PROFILE_REFUSED" | "E_GC" | "E_BAD_NARINFO" | "E_BAD_SIGNATURE" | "E_UNTRUSTED" | "E_NOT_IN_CACHE" | "E_CACHE" | "E_BAD_COMPRESSION" | "E_INSECURE_KEY" | "E_NAR_MISMATCH" | "E_SYSTEM"
/** A toplevel without kernel/initrd/kernel-params/init, or with a malformed one. */
 | "E_SYSTEM_TOPLEVEL"
/** No ESP given (--esp) and none remembered. */
 | "E_SYSTEM_NO_ESP"
/** The ESP lacks the room for what a change would write (nothing written). */
 | "E_SYSTEM_ESP_FULL"
/** No boot entry for the generation asked for (bless). */
 | "E_SYSTEM_NO_ENTRY";
export declare class CairnError extends Error {
    readonly code: ErrorCode;
    readonly data: Readonly<Record<string, unknown>>;
    constructor(code: ErrorCode, message: string, data?: Record<string, unknown>, options?: {
        cause?: unknown;
    });
}
export declare function isCairnError(e: unknown, code?: ErrorCode): e is CairnError;
