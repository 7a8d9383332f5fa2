// Debian's kernel as a cairn input: the linux-image .deb, fetched by cairn's builtin fetcher from
// a file:// URL and checked against its pinned hash (a fixed output), then unpacked with busybox
// (ar + unxz + tar) to { vmlinuz, version }. The pin lives in kernel.json, written on this machine
// by prepare-kernel.sh after `apt-get download`: it is per machine, since the package changes with
// Debian point releases.
import fs from "node:fs";
import { fetchurl } from "cairn";
import { shellPackage } from "../bootstrap.ts";

interface KernelPin {
  package: string;
  url: string;
  name: string;
  hash: string;
}

function pin(): KernelPin {
  const file = new URL("./kernel.json", import.meta.url);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file.pathname} is missing: run examples/system/prepare-kernel.sh first (it downloads and pins Debian's kernel)`);
  }
  return JSON.parse(text) as KernelPin;
}

/** The .deb, checked by hash. */
export const kernelDeb = () => {
  const p = pin();
  return fetchurl({ url: p.url, hash: p.hash, name: p.name });
};

/** { vmlinuz, version }: the EFI-stub bzImage of the package and its version (6.1.0-56-amd64). */
export const kernel = () =>
  shellPackage(
    `linux-${pin().package.replace(/^linux-image-/, "")}`,
    `mkdir -p $out x
cd x
members=$(ar t "$deb")
case "$members" in
  *data.tar.xz*) ar p "$deb" data.tar.xz | unxz | tar -x ./boot ;;
  *data.tar.gz*) ar p "$deb" data.tar.gz | gunzip | tar -x ./boot ;;
  *) echo "no data.tar.xz or data.tar.gz in $deb: $members" >&2; exit 1 ;;
esac
set -- boot/vmlinuz-*
[ -f "$1" ] || { echo "no boot/vmlinuz-* in $deb" >&2; exit 1; }
cp "$1" $out/vmlinuz
printf '%s\\n' "\${1#boot/vmlinuz-}" > $out/version`,
    { deb: kernelDeb() },
  );
