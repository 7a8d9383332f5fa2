import { type SecretKey } from "./format/index.js";
/** Write a new key pair; the secret key file is created mode 0600 and never overwritten. */
export declare function generateKeyFiles(name: string, secretFile: string, publicFile: string, seed?: Uint8Array): SecretKey;
/** Read a secret key file, refusing one that its group or others may read or write. */
export declare function readSecretKeyFile(file: string): SecretKey;
/** A public key given inline (`NAME:base64`) or as a file holding one. */
export declare function readPublicKeyArg(s: string): string;
