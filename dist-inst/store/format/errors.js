// The one error family of cairn: a stable `code` for programs and tests, a message for people,
// and `data` naming the offending input. Nix has no counterpart; compare isomorphic-git's errors.
export class CairnError extends Error {
    code;
    data;
    constructor(code, message, data = {}, options) {
        super(message, options);
        this.name = "CairnError";
        this.code = code;
        this.data = data;
    }
}
export function isCairnError(e, code) {
    return e instanceof CairnError && (code === undefined || e.code === code);
}
//# sourceMappingURL=errors.js.map