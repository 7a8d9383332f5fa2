import { HEAD_ID, hasPrestarted, initThread, serveCalls, takeEvaluationThread } from "./prestart.js";
import { deserializeError, serializeError, } from "./protocol.js";
import { unpackTexts } from "./instantiate.js";
export { expandSelection } from "./protocol.js";
export class Evaluator {
    storeDir;
    cacheDir;
    worker;
    channel;
    flag;
    /** The request the thread was given before this took it over (HEAD_ID), until evaluate() claims it. */
    head;
    pending = new Map();
    streams = new Map();
    calls = [];
    store;
    early;
    nextId = 1;
    failed;
    started = false;
    /**
     * Take the prestarted evaluation thread (it loads while the caller opens the store); without
     * one, a thread starts when first asked for something (an evaluation cache hit needs none).
     */
    constructor(storeDir, cacheDir) {
        this.storeDir = storeDir;
        this.cacheDir = cacheDir;
        if (hasPrestarted())
            this.start(takeEvaluationThread(storeDir, cacheDir));
    }
    ensureStarted() {
        if (!this.started)
            this.start(takeEvaluationThread(this.storeDir, this.cacheDir));
    }
    start(t) {
        this.started = true;
        this.worker = t.worker;
        this.worker.ref();
        this.head = t.head;
        ({ channel: this.channel, flag: this.flag } = t.head ?? initThread(this.worker, this.storeDir, this.cacheDir));
        this.nextId = HEAD_ID + 1;
        this.worker.on("message", (r) => this.receive(r));
        this.worker.on("error", (e) => this.fail(e));
        this.worker.on("exit", (code) => this.fail(new Error(`the evaluation thread ended (exit code ${code})`)));
        t.head?.release();
        // The head start's unanswered path() calls, and who answered the others meanwhile.
        this.calls = t.head?.calls ?? [];
        this.early ??= t.head?.earlyPaths;
        this.channel.port1.on("message", (c) => {
            this.calls.push(c);
            this.serve();
        });
    }
    receive(r) {
        // The head start's messages wait for evaluate() to claim them.
        if (this.head !== undefined && r.id === HEAD_ID) {
            this.head.answered.push(r);
            return;
        }
        if ("made" in r) {
            if (this.streams.get(r.id)?.(unpackTexts(r.made)) === false)
                this.stopStreaming();
            return;
        }
        this.streams.delete(r.id);
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (r.ok)
            p?.resolve(r.value);
        else
            p?.reject(deserializeError(r.error));
    }
    /**
     * Claim the head start if it asked for exactly this evaluation: its answers so far, to replay.
     * Otherwise the thread is busy with something else and is replaced by a new one.
     */
    claimHead(file, attrs, stream) {
        const h = this.head;
        if (h === undefined)
            return undefined;
        this.head = undefined;
        if (file === h.file && stream === h.stream && attrs.length === h.attrs.length && attrs.every((a, i) => a === h.attrs[i]))
            return h.answered;
        this.worker.removeAllListeners();
        this.channel.port1.close();
        this.calls = []; // the old thread's path() calls: a reply would reach the new one
        void this.worker.terminate();
        this.start(takeEvaluationThread(this.storeDir, this.cacheDir));
        return undefined;
    }
    /** The store path() copies into; calls wait until it is attached (or `early` answers them). */
    useStore(store) {
        this.store = store;
        this.serve();
    }
    /** Answers path() calls before the store is attached, where it can (see EarlyPaths). */
    answerEarly(early) {
        this.early = early;
        this.serve();
    }
    serve() {
        if (!this.started)
            return; // no calls yet
        serveCalls(this.calls, this.channel.port1, this.flag, (c) => {
            try {
                const result = this.store !== undefined ? this.store.addPath(...c.args) : this.early?.(...c.args);
                return result === undefined ? undefined : { ok: true, result }; // undefined: for the store
            }
            catch (e) {
                return { ok: false, error: serializeError(e) };
            }
        });
    }
    fail(e) {
        this.failed ??= e;
        for (const p of this.pending.values())
            p.reject(e);
        this.pending.clear();
    }
    /** Send `req`; or, given the head start's answers so far (`claimed`), take over its request. */
    request(req, onMade, claimed) {
        this.ensureStarted();
        if (this.failed !== undefined)
            return Promise.reject(this.failed);
        const id = claimed !== undefined ? HEAD_ID : this.nextId++;
        if (onMade !== undefined)
            this.streams.set(id, onMade);
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve: resolve, reject });
            if (claimed === undefined)
                this.worker.postMessage({ ...req, id });
            else
                for (const r of claimed.splice(0))
                    this.receive(r);
        });
    }
    /**
     * Load `file`, select `attrs` (none: the default export) and compute what they need. With
     * `onMade`, the text objects made are also handed over in batches while evaluation goes on,
     * until it returns false.
     */
    async evaluate(file, attrs, onMade) {
        this.ensureStarted();
        const stream = onMade !== undefined;
        const claimed = this.claimHead(file, attrs, stream);
        if (claimed === undefined)
            Atomics.store(this.flag, 1, 0);
        return this.request({ kind: "evaluate", file, attrs: [...attrs], stream }, onMade, claimed);
    }
    /** No more streamed text objects are wanted for the evaluation under way. */
    stopStreaming() {
        if (!this.started)
            return;
        Atomics.store(this.flag, 1, 1);
    }
    /** The text objects the last evaluation's selection needs, with their references. */
    closure() {
        return this.request({ kind: "closure" });
    }
    /** Text objects the evaluation made. */
    async texts(paths) {
        return unpackTexts(await this.request({ kind: "texts", paths: [...paths] }));
    }
    async close() {
        if (!this.started)
            return;
        this.worker.removeAllListeners("exit");
        this.channel.port1.close();
        await this.worker.terminate();
    }
}
//# sourceMappingURL=evaluator.js.map