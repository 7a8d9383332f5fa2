// Example systems for `cairn system`: toplevels (DESIGN.md §5: kernel, initrd, kernel-params,
// init, label, kernel-version) joining Debian's kernel (kernel.ts) with busybox initrds
// (initrd.ts) whose init prints a marker on the serial console. `good` boots, prints
// CAIRN-BOOT-OK and powers off; `bad` prints CAIRN-BOOT-BAD and exits, so the kernel panics and,
// with panic=1, the machine resets (a generation that never comes up). `good2` is `good` with
// another label and one more parameter: a new generation sharing good's kernel and initrd.
//   node dist/cli/main.js system switch examples/system/system.ts -A good --esp ESP
import type { Derivation } from "cairn";
import { shellPackage } from "../bootstrap.ts";
import { kernel } from "./kernel.ts";
import { initScript, initrd } from "./initrd.ts";

/** Serial console (for the VM test's log) and a reset one second after a panic. */
export const baseParams = "console=ttyS0 panic=1";

export function toplevel(o: { name: string; label: string; kernel: Derivation<string>; initrd: Derivation<string>; init: string; kernelParams: string }) {
  return shellPackage(
    o.name,
    `mkdir -p $out
ln -s ${o.kernel}/vmlinuz $out/kernel
ln -s ${o.initrd} $out/initrd
ln -s ${o.init} $out/init
printf '%s\\n' "$kernelParams" > $out/kernel-params
printf '%s\\n' "$label" > $out/label
cp ${o.kernel}/version $out/kernel-version`,
    { kernelParams: o.kernelParams, label: o.label },
  );
}

const goodInit = initScript("cairn-init-good", `echo "CAIRN-BOOT-OK gen=$gen"\npoweroff -f`);
const badInit = initScript("cairn-init-bad", `echo "CAIRN-BOOT-BAD gen=$gen: init exits, the kernel panics"\nexit 1`);

export const good = () =>
  toplevel({ name: "cairn-system-good", label: "good", kernel: kernel(), initrd: initrd("initrd-good", goodInit), init: goodInit, kernelParams: baseParams });

export const bad = () =>
  toplevel({ name: "cairn-system-bad", label: "bad init", kernel: kernel(), initrd: initrd("initrd-bad", badInit), init: badInit, kernelParams: baseParams });

export const good2 = () =>
  toplevel({
    name: "cairn-system-good2",
    label: "good, again",
    kernel: kernel(),
    initrd: initrd("initrd-good", goodInit),
    init: goodInit,
    kernelParams: `${baseParams} cairn.example=2`,
  });

export default good;
