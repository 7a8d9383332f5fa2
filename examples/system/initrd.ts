// An initrd made by cairn from static busybox: a gzip'd cpio (newc) of { /init, /bin/busybox,
// /bin/sh, /proc, /dev, /sys }, with owners 0:0 and mtimes 1 so the same init gives the same bytes
// (and generations that share it share one file on the ESP). The kernel's built-in initramfs
// supplies /dev/console.
import { toFile } from "cairn";
import { busybox, shellPackage } from "../bootstrap.ts";

/** An init script for the initrd: `body` runs after /proc and /dev are mounted; $gen is cairn.gen=. */
export function initScript(name: string, body: string) {
  return toFile(
    name,
    `#!/bin/sh
# cairn example system: the only stage. cairn.gen=N on the kernel command line names the generation.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
gen=$(sed -n 's/.*cairn\\.gen=\\([0-9]*\\).*/\\1/p' /proc/cmdline)
${body}
`,
  );
}

export function initrd(name: string, init: string) {
  return shellPackage(
    name,
    `mkdir -p root/bin root/proc root/dev root/sys root/root
cp ${busybox}/bin/busybox root/bin/busybox
ln -s busybox root/bin/sh
cp ${init} root/init
chmod 0755 root/init root/bin/busybox
cd root
find . -exec touch -h -d @1 {} +
find . | sort | cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes | gzip -9 > $out`,
  );
}
