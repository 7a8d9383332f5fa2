// Serialises changes to one profile across processes. Nix: lockProfile (a PathLocks fcntl lock
// on <profile>.lock, src/libstore/profiles.cc).
//
// Node has no flock/fcntl, and a lock *file* needs stale-owner takeover, which races. The lock is
// instead a Linux abstract unix socket named after the profile's absolute path: bind() succeeds
// for exactly one process, and the kernel releases the name when that process dies, even by
// kill -9, so there is no stale state and nothing to clean up. It costs ~5 ms (no LMDB, so
// rollback and switch stay cheap). Limit: abstract names live in a network namespace, so two
// processes in different network namespaces sharing one ROOT would not exclude each other
// (cairn's builds run in their own namespace, but they never change profiles).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { encodeNix32 } from "../store/format/base32.js";
import { sha256 } from "../store/format/hash.js";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * The lock's abstract socket name for a profile (the leading NUL makes it abstract): a hash of its
 * directory's real path (so two spellings of one directory, through a symlink, share the lock)
 * and its name.
 */
export function lockName(profileLink) {
    // The deepest ancestor that exists, resolved, plus the rest (made by the first install).
    let head = path.dirname(profileLink);
    let rest = path.basename(profileLink);
    for (;;) {
        try {
            head = fs.realpathSync(head);
            break;
        }
        catch {
            if (head === path.dirname(head))
                break;
            rest = path.join(path.basename(head), rest);
            head = path.dirname(head);
        }
    }
    return `\0cairn-profile-${encodeNix32(sha256(path.join(head, rest))).slice(0, 40)}`;
}
function tryBind(name) {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", (e) => {
            if (e.code === "EADDRINUSE")
                resolve(undefined);
            else
                reject(e);
        });
        server.listen({ path: name, exclusive: true }, () => {
            server.unref(); // holding the lock must not keep the process alive
            resolve(server);
        });
    });
}
/** Wait until this process holds the profile's lock. */
export async function lockProfile(profileLink, opts = {}) {
    const name = lockName(profileLink);
    const t0 = Date.now();
    let told = false;
    for (let delay = 1;; delay = Math.min(delay * 2, 50)) {
        const server = await tryBind(name);
        if (server !== undefined)
            return { release: () => server.close() };
        if (!told && Date.now() - t0 > 1000) {
            told = true;
            opts.onWait?.();
        }
        await sleep(delay + Math.random() * delay);
    }
}
//# sourceMappingURL=lock.js.map