import { CairnError, parsePublicKeys } from "../../store/format/index.js";
import { BinaryCache, copyFromCache, copyToCache } from "../../store/binary-cache.js";
import { COMPRESSIONS } from "../../store/compression.js";
import { readPublicKeyArg, readSecretKeyFile } from "../../store/key-files.js";
import { err, openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
const MiB = (n) => `${(n / 1048576).toFixed(1)} MiB`;
/** A live line on a TTY; plain lines otherwise; nothing with --json (stdout is for the result). */
function progress(ctx, json, verb, url) {
    let total = 0;
    let done = 0;
    let bytes = 0;
    let copiedBytes = 0;
    let network = 0;
    let shown = false;
    const tty = ctx.stderrIsTTY && !json;
    const draw = () => {
        const net = network > 0 ? `, ${MiB(network)} downloaded` : "";
        err(`\r\x1b[K[${done}/${total} paths, ${MiB(copiedBytes)} of ${MiB(bytes)}${net}] ${verb} ${url}`);
        shown = true;
    };
    return {
        onEvent: (e) => {
            if (e.kind === "plan") {
                total = e.total;
                bytes = e.bytes;
                if (!json && !tty)
                    err(`${verb} ${e.total} paths (${MiB(e.bytes)}), ${e.skipped} already there\n`);
            }
            else if (e.kind === "bytes")
                network += e.bytes;
            else if (e.kind === "done") {
                done++;
                copiedBytes += e.narSize;
                if (!json && !tty)
                    err(`copied '${e.path}'\n`);
            }
            else if (e.kind === "retry") {
                // On stderr even with --json: stdout keeps the result alone.
                if (tty)
                    err("\r\x1b[K");
                err(`retrying ${e.what} (attempt ${e.attempt + 1}): ${e.why}\n`);
            }
            if (tty)
                draw();
        },
        end: () => {
            if (shown)
                err("\r\x1b[K");
        },
    };
}
function report(r, json) {
    if (json)
        out(JSON.stringify({ copied: r.copied, skipped: r.skipped }) + "\n");
}
export function register(program, ctx) {
    storeOptions(program
        .command("copy")
        .description("copy closures to or from a binary cache (file://, http://, https://)")
        .argument("<paths...>")
        .option("--to <url>", "binary cache to copy to")
        .option("--from <url>", "binary cache to copy from")
        .option("--secret-key-file <file>", "sign the paths written with this key (--to)")
        .option("--compression <c>", "none, xz or zstd (--to; default xz, as Nix)", "xz")
        .option("--trusted-public-keys <keys>", "space-separated keys (NAME:base64, or files holding one) trusted besides CAIRN_TRUSTED_PUBLIC_KEYS (--from; repeatable)", (v, acc = []) => [...acc, ...v.split(/\s+/).filter((s) => s !== "")])
        .option("--no-check-sigs", "import unsigned and untrusted paths (--from)")
        .option("-j, --jobs <n>", "parallel transfers", "4")
        .option("--json", "print {copied, skipped} as JSON")).action(async (paths, opts) => {
        if ((opts.to === undefined) === (opts.from === undefined))
            throw new CairnError("E_USAGE", "give exactly one of --to URL and --from URL");
        if (opts.from !== undefined && opts.secretKeyFile !== undefined)
            throw new CairnError("E_USAGE", "--secret-key-file goes with --to (use cairn sign to sign local paths)");
        if (opts.to !== undefined && (opts.trustedPublicKeys !== undefined || opts.checkSigs === false)) {
            throw new CairnError("E_USAGE", "--trusted-public-keys and --no-check-sigs go with --from");
        }
        if (!COMPRESSIONS.includes(opts.compression)) {
            throw new CairnError("E_USAGE", `--compression '${opts.compression}': expected none, xz or zstd`);
        }
        const jobs = Number(opts.jobs);
        if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
            throw new CairnError("E_USAGE", `--jobs '${opts.jobs}': expected 1..64`);
        const secretKey = opts.secretKeyFile !== undefined ? readSecretKeyFile(opts.secretKeyFile) : undefined;
        const trustedKeys = parsePublicKeys([ctx.env.CAIRN_TRUSTED_PUBLIC_KEYS ?? "", ...(opts.trustedPublicKeys ?? []).map(readPublicKeyArg)]);
        const url = opts.to ?? opts.from;
        const p = progress(ctx, !!opts.json, opts.to ? "copying to" : "copying from", url);
        const copyOpts = { jobs, onEvent: p.onEvent, crash: ctx.hooks.crash, onRetry: (what, attempt, why) => p.onEvent({ kind: "retry", what, attempt, why }) };
        const cache = BinaryCache.open(url, copyOpts);
        const store = await openStore(ctx, opts);
        try {
            const r = opts.to
                ? await copyToCache(store, cache, paths, { ...copyOpts, compression: opts.compression, ...(secretKey ? { secretKey } : {}) })
                : await copyFromCache(store, cache, paths, { ...copyOpts, trustedKeys, checkSigs: opts.checkSigs !== false });
            p.end();
            report(r, !!opts.json);
        }
        catch (e) {
            p.end();
            throw e;
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=copy.js.map