// Real packages built from the bootstrap busybox, in the sandbox: `cairn build examples/packages.ts`.
import { toFile } from "cairn";
import { busybox, shellPackage } from "./bootstrap.ts";

/** A shell-script package: bin/hello. */
export const hello = shellPackage(
  "hello-1.0",
  `mkdir -p $out/bin
cat > $out/bin/hello <<EOS
#!${busybox}/bin/sh
echo "Hello from cairn: built in a sandbox from busybox $(busybox | head -1 | cut -d' ' -f2)"
EOS
chmod +x $out/bin/hello`,
);

/** A package with bin/ and share/: a program, its man page and its data. */
export const fortune = shellPackage(
  "fortune-lite-0.2",
  `mkdir -p $out/bin $out/share/fortune $out/share/man/man1
cp ${toFile("fortunes", "A store path is forever.\n%\nRoll back, not forward.\n%\nEvery hash tells a story.\n")} $out/share/fortune/fortunes
cat > $out/bin/fortune <<EOS
#!${busybox}/bin/sh
n=\\$(${busybox}/bin/busybox grep -c '^%' $out/share/fortune/fortunes)
i=\\$(( \\$(${busybox}/bin/busybox date +%s) % (n + 1) + 1 ))
${busybox}/bin/busybox awk -v i=\\$i 'BEGIN{RS="%\\\\n"} NR==i' $out/share/fortune/fortunes
EOS
chmod +x $out/bin/fortune
printf '.TH FORTUNE 1\\n.SH NAME\\nfortune \\\\- print a saying\\n' > $out/share/man/man1/fortune.1
gzip -9n $out/share/man/man1/fortune.1`,
);

/** A library with a separate dev output (headers and pkg-config file refer to the library). */
export const libgreet = shellPackage(
  "libgreet-1.1",
  `mkdir -p $out/lib $dev/include $dev/lib/pkgconfig
printf 'greet() { echo "hello, $1"; }\\n' > $out/lib/greet.sh
printf '#define GREET_VERSION "1.1"\\n' > $dev/include/greet.h
printf 'prefix=%s\\nlibdir=%s/lib\\nName: greet\\nVersion: 1.1\\n' $out $out > $dev/lib/pkgconfig/greet.pc`,
  { outputs: ["out", "dev"] },
);

export default { hello, fortune, libgreet };
