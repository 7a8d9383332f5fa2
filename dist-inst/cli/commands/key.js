import { printPublicKey, toPublicKey } from "../../store/format/index.js";
import { generateKeyFiles } from "../../store/key-files.js";
import { out } from "../context.js";
export function register(program, _ctx) {
    const key = program.command("key").description("ed25519 signing keys for binary caches");
    key
        .command("generate")
        .description("write a new key pair as NAME:base64 (the secret key mode 0600)")
        .argument("<name>", "key name, e.g. cache.example.org-1")
        .requiredOption("--secret-key-file <file>", "where to write the secret key (must not exist)")
        .requiredOption("--public-key-file <file>", "where to write the public key (must not exist)")
        .option("--json", "print the public key as JSON")
        .action((name, opts) => {
        const sk = generateKeyFiles(name, opts.secretKeyFile, opts.publicKeyFile);
        const pk = printPublicKey(toPublicKey(sk));
        out(opts.json ? JSON.stringify({ name, publicKey: pk }) + "\n" : pk + "\n");
    });
}
//# sourceMappingURL=key.js.map