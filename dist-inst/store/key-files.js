// Secret and public key files (`NAME:base64`, no trailing newline, as nix-store
// --generate-binary-cache-key writes them). Nix: src/nix/sigs.cc, src/libutil/signature/local-keys.cc.
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { CairnError, makeSecretKey, parseSecretKey, printPublicKey, printSecretKey, toPublicKey } from "./format/index.js";
/** Write a new key pair; the secret key file is created mode 0600 and never overwritten. */
export function generateKeyFiles(name, secretFile, publicFile, seed = randomBytes(32)) {
    const sk = makeSecretKey(name, seed);
    for (const [file, text, mode] of [
        [secretFile, printSecretKey(sk), 0o600],
        [publicFile, printPublicKey(toPublicKey(sk)), 0o644],
    ]) {
        let fd;
        try {
            fd = fs.openSync(file, "wx", mode);
        }
        catch (e) {
            const code = e.code;
            throw new CairnError(code === "EEXIST" ? "E_EXISTS" : "E_IO", `cannot create key file '${file}': ${code === "EEXIST" ? "it exists" : code}`, { path: file });
        }
        try {
            fs.fchmodSync(fd, mode); // the umask must not widen or narrow it
            fs.writeSync(fd, text);
            fs.fsyncSync(fd);
        }
        finally {
            fs.closeSync(fd);
        }
    }
    return sk;
}
/** Read a secret key file, refusing one that its group or others may read or write. */
export function readSecretKeyFile(file) {
    let fd;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    }
    catch (e) {
        throw new CairnError("E_IO", `cannot read secret key file '${file}': ${e.code}`, { path: file });
    }
    try {
        const st = fs.fstatSync(fd);
        if (!st.isFile())
            throw new CairnError("E_IO", `secret key file '${file}' is not a regular file`, { path: file });
        if ((st.mode & 0o077) !== 0) {
            throw new CairnError("E_INSECURE_KEY", `secret key file '${file}' is accessible to others (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); run chmod 600 on it`, { path: file, mode: st.mode & 0o777 });
        }
        return parseSecretKey(fs.readFileSync(fd, "utf8"));
    }
    finally {
        fs.closeSync(fd);
    }
}
/** A public key given inline (`NAME:base64`) or as a file holding one. */
export function readPublicKeyArg(s) {
    if (s.includes(":"))
        return s;
    try {
        return fs.readFileSync(s, "utf8");
    }
    catch (e) {
        throw new CairnError("E_IO", `cannot read public key file '${s}': ${e.code}`, { path: s });
    }
}
//# sourceMappingURL=key-files.js.map