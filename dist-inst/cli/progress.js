// How `cairn build` shows its work: a live status on a TTY (in the manner of nix-output-monitor:
// done / running / waiting counts, each running build with its elapsed time and last log line),
// plain lines otherwise, JSON lines with --json. Presentation only; the builder emits events.
import path from "node:path";
import { escapeControl } from "../builder/log.js";
function nameOf(drvPath) {
    return path.basename(drvPath).slice(33).replace(/\.drv$/, "");
}
function secs(ms) {
    const s = Math.floor(ms / 1000);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
export class BuildProgress {
    mode;
    write;
    columns;
    total = 0;
    done = 0;
    failedCount = 0;
    running = new Map();
    waiting = new Set();
    drawn = 0;
    timer;
    started = Date.now();
    constructor(mode, write, columns = 100) {
        this.mode = mode;
        this.write = write;
        this.columns = columns;
        if (mode === "tty")
            this.timer = setInterval(() => this.draw(), 200);
    }
    emit(obj, line) {
        if (this.mode === "json")
            this.write(`${JSON.stringify(obj)}\n`);
        else if (this.mode === "plain")
            this.write(`${line}\n`);
        else {
            this.clear();
            this.write(`${line}\n`);
            this.draw();
        }
    }
    clear() {
        if (this.drawn > 0)
            this.write(`\x1b[${this.drawn}A\x1b[J`);
        this.drawn = 0;
    }
    draw() {
        if (this.mode !== "tty")
            return;
        this.clear();
        const now = Date.now();
        const lines = [];
        for (const [d, r] of this.running) {
            const l = `  ⏵ ${nameOf(d)} (${secs(now - r.since)})${r.line ? `: ${escapeControl(r.line)}` : ""}`;
            lines.push(l.length > this.columns ? `${l.slice(0, this.columns - 1)}…` : l);
        }
        const waiting = this.total - this.done - this.failedCount - this.running.size;
        lines.push(`building: ${this.done} done, ${this.running.size} running, ${Math.max(0, waiting)} waiting${this.failedCount ? `, ${this.failedCount} failed` : ""}${this.waiting.size ? ` (${this.waiting.size} built by another process)` : ""} · ${secs(now - this.started)}`);
        this.write(`${lines.join("\n")}\n`);
        this.drawn = lines.length;
    }
    events() {
        return {
            planned: (nodes) => {
                this.total = nodes.length;
                if (nodes.length > 0)
                    this.emit({ event: "planned", count: nodes.length }, `${nodes.length === 1 ? "this derivation" : `these ${nodes.length} derivations`} will be built:${nodes.length <= 20 ? nodes.map((n) => `\n  ${n.drvPath}`).join("") : ""}`);
            },
            started: (d) => {
                this.waiting.delete(d);
                this.running.set(d, { since: Date.now(), line: "" });
                this.emit({ event: "start", drvPath: d }, `building '${d}'...`);
            },
            waiting: (d, p) => {
                if (this.waiting.has(d))
                    return;
                this.waiting.add(d);
                this.emit({ event: "waiting", drvPath: d, path: p }, `waiting for another cairn process to finish '${p}'...`);
            },
            finished: (d, how) => {
                this.running.delete(d);
                this.waiting.delete(d);
                this.done++;
                this.emit({ event: "done", drvPath: d, how }, how === "by-other" ? `'${d}' was built by another process` : how === "checked" ? `checked '${d}': identical` : `built '${d}'`);
            },
            failed: (d, e) => {
                this.running.delete(d);
                this.failedCount++;
                this.emit({ event: "failed", drvPath: d, code: e.code, message: e.message }, `error: ${e.message}`);
            },
            skipped: (d, because) => {
                this.emit({ event: "skipped", drvPath: d, because }, `skipping '${d}': its input '${because}' failed`);
            },
            log: (d, line) => {
                const r = this.running.get(d);
                if (r)
                    r.line = line;
                if (this.mode === "json")
                    this.write(`${JSON.stringify({ event: "log", drvPath: d, line })}\n`);
            },
            note: (d, text) => this.emit({ event: "note", drvPath: d, text }, text),
        };
    }
    finish(summary) {
        if (this.timer)
            clearInterval(this.timer);
        this.clear();
        const t = ((Date.now() - this.started) / 1000).toFixed(1);
        if (this.total === 0)
            return;
        this.emit({ event: "summary", ...summary, seconds: Number(t) }, `${summary.built} built${summary.failed ? `, ${summary.failed} failed` : ""}${summary.skipped ? `, ${summary.skipped} skipped` : ""} in ${t}s`);
    }
}
//# sourceMappingURL=progress.js.map