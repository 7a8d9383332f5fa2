// The first tools, without a network: Debian bookworm's static busybox (busybox-static
// 1:1.35.0-4+deb12u1+b1) as a store directory { bin/busybox, bin/sh -> busybox }. cairn's builtin
// fetcher unpacks it from the NAR that examples/bootstrap/prepare.sh makes of /bin/busybox, and
// the result is checked against the hash below like any fixed output: a different busybox fails
// the build with both hashes ("hash mismatch", exit 102) rather than slipping in.
import { derivation, fetchurl, type DerivationAttrs } from "cairn";

export const busybox = fetchurl({
  url: new URL("./bootstrap/busybox.nar", import.meta.url).href,
  hash: "sha256-HQSV/PgXO9v7Qj5uQt71RduDHcAQxi0aEJPTEw2BpFQ=",
  name: "busybox",
  unpack: true,
});

/** A derivation whose builder is a busybox shell script (`set -e`; every applet is on PATH). */
export function shellPackage(name: string, script: string, attrs: Partial<DerivationAttrs> = {}) {
  return derivation({
    name,
    system: "x86_64-linux",
    builder: `${busybox}/bin/busybox`,
    args: ["sh", "-e", "-c", `export PATH=${busybox}/bin; busybox mkdir -p /build/bin; busybox --install -s /build/bin; export PATH=/build/bin:$PATH\n${script}`],
    ...attrs,
  });
}
