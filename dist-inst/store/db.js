// The metadata database: the only module that imports lmdb. Settings per RELIABILITY.md §2.2:
// a commit is durable when transactionSync returns (overlappingSync off), no writemap, plain
// cbor values without shared structures. Nix keeps the same facts in SQLite (local-store.cc).
//
// The open gate. The LMDB bundled with lmdb-js 3.x sets the lock file's last-committed txnid from
// the meta page it read at the start of *every* open (mdb_env_open2), not only the first
// process's. A commit by another process inside that window is then lost or, two commits later,
// the next writer starts from a newer meta than its txnid and fails with MDB_BAD_TXN
// ("mdb_page_touch no parent"). Upstream LMDB fixed the same bug as ITS#9496. Reproduced here: 5
// writers + processes opening in a loop lost a commit in 2 of 7 runs (bench/lmdb-open-race.mjs).
// So opens and commits exclude each other through a second, empty environment ("gate") whose
// write lock (a robust mutex: a killed holder releases it) is held around every open and every
// write transaction of the store's DB. The gate never commits, so the bug cannot touch it.
//
// Closing. When a process closes an environment and finds (by an fcntl lock) that it is the last
// one using it, LMDB destroys the lock file's mutexes. A process opening the environment in that
// instant waits for the closer's lock, then takes a shared one and uses the destroyed mutexes:
// every transaction it begins fails (EINVAL) and lmdb-js's open() throws "No transaction to
// renew", leaving the half-open environment in the process. Upstream LMDB has the same window.
// So the store's DB is closed holding the gate, like every open of it; and the gate is never
// closed by cairn: it stays open for the life of the process (lmdb-js closes it when Node frees
// the process's environment at a natural exit; the CLI ends with process.exit, which does not).
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CairnError } from "./format/index.js";
// Required rather than imported: their CommonJS builds are a few files, where their ES modules
// are ~30 (each a resolve, a read and a compile: ~15 ms of start-up for every command opening the
// store). Only this module loads them, so there is one copy of each either way.
const requireCjs = createRequire(import.meta.url);
const { ABORT, open } = requireCjs("lmdb");
const { Encoder: CborEncoder } = requireCjs("cbor-x");
export const SCHEMA = 1;
const ENV_OPTIONS = {
    overlappingSync: false, // explicit: the lmdb-js default on Linux is true (durability lags commit)
    noSync: false,
    noMetaSync: false,
    useWritemap: false,
    maxReaders: 1024,
    cache: false,
    compression: false,
    commitDelay: 0,
};
function openEnv(dir, maxDbs) {
    try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    catch (e) {
        throw new CairnError("E_DB", `cannot create database directory '${dir}': ${e.message}`, { path: dir });
    }
    try {
        // cbor-x values (lmdb-js accepts encoding "cbor" but its types do not list it)
        return open({ path: dir, ...ENV_OPTIONS, maxDbs, encoder: { Encoder: CborEncoder } });
    }
    catch (e) {
        const message = e.message;
        if (message.includes("No transaction to renew"))
            throw brokenLock(dir);
        throw new CairnError("E_DB", `cannot open database '${dir}': ${message}`, { path: dir });
    }
}
/** Runs `fn` holding the gate's write lock, and gives the gate back without committing anything. */
function throughGate(gate, fn) {
    let result;
    gate.transactionSync(() => {
        result = { value: fn() };
        return ABORT;
    });
    return result.value;
}
/** The gate of each DB this process opened, kept open until the process ends (see above). */
const gates = new Map();
function gateOf(dbDir) {
    const dir = path.join(dbDir, "gate");
    let gate = gates.get(dir);
    if (gate === undefined) {
        gate = openEnv(dir, 1);
        // A gate opened in the instant its last user destroyed its mutexes would not exclude anything;
        // lmdb-js then begins no transaction (a write transaction id of 0) instead of failing.
        const g = gate;
        if (throughGate(g, () => g.getWriteTxnId()) === 0)
            throw brokenLock(dir);
        gates.set(dir, gate);
    }
    return gate;
}
function brokenLock(dir) {
    return new CairnError("E_DB", `cannot open database '${dir}': another process closed it as this one opened it, and its lock is unusable until this process exits; nothing was written, run the command again`, { path: dir });
}
/** The store's DBs open in this process, closed (holding their gates) if the process exits first. */
const openDbs = new Set();
let closeAtExit = false;
export function openStoreDb(dbDir, storeDir) {
    const gate = gateOf(dbDir);
    const db = throughGate(gate, () => openGated(dbDir, storeDir, gate));
    openDbs.add(db);
    if (!closeAtExit) {
        closeAtExit = true;
        // Runs before Node frees the environment, where lmdb-js would close them without the gate.
        process.on("exit", () => {
            for (const d of openDbs)
                void d.close();
        });
    }
    return db;
}
function openGated(dbDir, storeDir, gate) {
    const env = openEnv(dbDir, 16);
    let depth = 0;
    const sub = (name, dupSort = false) => {
        const d = env.openDB(dupSort
            ? { name, dupSort, encoding: "ordered-binary", cache: false }
            : { name, encoder: { Encoder: CborEncoder }, cache: false });
        // Outside a transaction lmdb-js would queue the write for its own thread, past the gate and
        // with the durability of an async commit: refuse, so such a call is a bug found at once.
        for (const m of ["put", "remove"]) {
            const raw = d[m].bind(d);
            d[m] = (...a) => {
                if (depth === 0)
                    throw new CairnError("E_DB", `internal error: ${name}.${m} outside db.write`, {});
                return raw(...a);
            };
        }
        return d;
    };
    // lmdb-js keeps a transaction open until a returned promise settles (a put returns one): that
    // would hold the DB's write lock across the event loop, so a callback must not return one.
    const settled = (fn) => () => {
        const r = fn();
        if (r !== null && typeof r === "object" && typeof r.then === "function") {
            throw new CairnError("E_DB", "internal error: a db.write callback returned a promise", {});
        }
        return r;
    };
    const write = (fn) => {
        if (depth > 0)
            return env.transactionSync(settled(fn));
        depth++;
        try {
            return throughGate(gate, () => env.transactionSync(settled(fn)));
        }
        finally {
            depth--;
        }
    };
    const fence = () => {
        if (depth > 0)
            return;
        throughGate(gate, () => undefined);
        env.resetReadTxn();
    };
    const db = {
        env,
        write,
        fence,
        paths: sub("paths"),
        referrers: sub("referrers", true),
        drvOutputs: sub("drvOutputs"),
        claims: sub("claims"),
        meta: sub("meta"),
        close: async () => {
            if (!openDbs.delete(db))
                return;
            // Synchronous (no write is ever queued): the close is over when the gate is given back.
            await throughGate(gate, () => env.close());
        },
    };
    // Pin the logical store dir: it is part of every hash, so a mismatch would corrupt everything.
    // (The caller holds the gate already.)
    depth++;
    let meta;
    try {
        meta = env.transactionSync(() => {
            const m = db.meta.get("meta");
            if (m !== undefined)
                return m;
            const fresh = { schema: SCHEMA, storeDir, createdBy: "cairn" };
            db.meta.put("meta", fresh);
            return fresh;
        });
    }
    finally {
        depth--;
    }
    if (meta.storeDir !== storeDir) {
        void env.close();
        throw new CairnError("E_DB_STORE_DIR_MISMATCH", `database '${dbDir}' was made for store directory '${meta.storeDir}', not '${storeDir}'`, { path: dbDir, expected: meta.storeDir, actual: storeDir });
    }
    if (meta.schema !== SCHEMA) {
        void env.close();
        throw new CairnError("E_DB", `database '${dbDir}' has schema ${meta.schema}, this cairn reads ${SCHEMA}`, {
            path: dbDir,
        });
    }
    return db;
}
export function claimOf(id) {
    return { pid: id.pid, start: id.start };
}
//# sourceMappingURL=db.js.map