// The evaluation thread (started by eval/evaluator.ts with --experimental-vm-modules): loads
// recipes with eval/linker.ts, selects what the command acts on, and hands back the text objects
// that selection needs. path() copies into the caller's store through a synchronous call to the
// main thread, which owns the store. It may start before the command line is read: the store dir
// and the rest come in the first message.
import path from "node:path";
import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { isCairnError } from "../store/format/errors.js";
import { closureOf, packTexts, topsOf } from "./instantiate.js";
import { RecipeLinker } from "./linker.js";
import { Purity } from "./purity.js";
import { derivationsIn, recipeError, selectAttr } from "./load.js";
import { beginEvaluation } from "./state.js";
import { RecipeCache } from "./strip.js";
import { deserializeError, serializeError } from "./protocol.js";
// The one warning this thread causes by design; anything a recipe triggers still shows.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning, ...rest) => {
    if (String(warning).startsWith("VM Modules is an experimental feature"))
        return;
    emitWarning(warning, ...rest);
});
// What recipes read, for the evaluation cache: watched from now on, for every evaluation here.
const purity = new Purity();
purity.watchGlobals();
const library = import(new URL("../index.js", import.meta.url).href);
class Evaluation {
    init;
    linker;
    flag;
    state;
    /** The last selection's .drv paths (its closure is asked for only when something is missing). */
    selection = [];
    constructor(init, linker) {
        this.init = init;
        this.linker = linker;
        this.flag = new Int32Array(init.flag);
        const store = { storeDir: init.storeDir, addPath: (source, opts) => this.call("addPath", [source, opts]) };
        this.state = beginEvaluation(init.storeDir, store);
    }
    /** Ask the main thread and wait for its answer (recipes call path() synchronously). */
    call(op, args) {
        Atomics.store(this.flag, 0, 0);
        this.init.rpc.postMessage({ op, args });
        Atomics.wait(this.flag, 0, 0);
        const reply = receiveMessageOnPort(this.init.rpc).message;
        if (!reply.ok)
            throw deserializeError(reply.error);
        return reply.result;
    }
    /** Post what was made in batches as evaluation goes, so the main thread can write meanwhile. */
    streamMade(id) {
        const state = this.state;
        let batch = [];
        const flush = () => {
            if (batch.length === 0)
                return;
            const made = packTexts(state, batch);
            batch = [];
            parentPort.postMessage({ id, made }, [made.bytes.buffer]);
        };
        state.onMade = (p) => {
            if (batch.push(p) < 256)
                return;
            // The main thread found a whole batch valid already: the rest most likely is too.
            if (Atomics.load(this.flag, 1) !== 0) {
                state.onMade = undefined;
                batch = [];
            }
            else
                flush();
        };
        return () => {
            state.onMade = undefined;
            flush();
        };
    }
    async evaluate(id, file, attrs, stream) {
        let mod;
        const stopStreaming = stream ? this.streamMade(id) : () => { };
        try {
            mod = await this.linker.import(file);
        }
        catch (e) {
            if (isCairnError(e) && e.code === "E_NOT_FOUND")
                throw e;
            throw recipeError(path.resolve(file), e);
        }
        finally {
            stopStreaming();
        }
        // Column by column: 10,000 objects cost the structured clone more than a few arrays.
        const s = { attr: [], name: [], drvPath: [], outPath: [], outputName: [], others: {} };
        for (const a of attrs.length > 0 ? attrs : [undefined]) {
            for (const { attr, drv } of derivationsIn(selectAttr(mod, a, file), a ?? "", file)) {
                const all = drv.all;
                if (all !== undefined && all.length > 1)
                    s.others[s.attr.length] = all.map((o) => [o.outputName, o.outPath]);
                s.attr.push(attr);
                s.name.push(drv.name);
                s.drvPath.push(drv.drvPath);
                s.outPath.push(drv.outPath);
                s.outputName.push(drv.outputName);
            }
        }
        this.selection = s.drvPath;
        return { selected: s, tops: topsOf(this.state, s.drvPath), deps: purity.deps() };
    }
}
let evaluation;
async function handle(req) {
    let reply;
    try {
        const ev = await evaluation;
        if (req.kind === "evaluate")
            reply = { id: req.id, ok: true, value: await ev.evaluate(req.id, req.file, req.attrs, req.stream) };
        else if (req.kind === "closure")
            reply = { id: req.id, ok: true, value: closureOf(ev.state, ev.selection) };
        else {
            const packed = packTexts(ev.state, req.paths);
            parentPort.postMessage({ id: req.id, ok: true, value: packed }, [packed.bytes.buffer]);
            return;
        }
    }
    catch (e) {
        reply = { id: req.id, ok: false, error: serializeError(e) };
    }
    parentPort.postMessage(reply);
}
// The first message says where (it is always first: the main thread sends it on adopting us).
parentPort.on("message", (m) => {
    if (m.kind === "init")
        evaluation = library.then((lib) => new Evaluation(m, new RecipeLinker(lib, new RecipeCache(m.cacheDir), purity)));
    else
        void handle(m);
});
//# sourceMappingURL=worker.js.map