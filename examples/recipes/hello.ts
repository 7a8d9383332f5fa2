// A small package set as a cairn recipe; hello.nix beside it is the same set for Nix.
import { derivation, toFile } from "cairn";

const greeting = toFile("greeting.txt", "Hello from a cairn recipe!\n");

export const lib = derivation({
  name: "libgreet-1.0",
  system: "x86_64-linux",
  builder: "/bin/sh",
  args: ["-c", "echo lib > $out; echo headers > $dev"],
  outputs: ["out", "dev"],
});

export const hello = derivation({
  name: "hello-2.12",
  system: "x86_64-linux",
  builder: "/bin/sh",
  args: ["-c", `cat ${greeting} > $out`],
  buildInputs: [lib, lib.dev],
  enableParallelBuilding: true,
  jobs: 4,
  greeting,
});

export default { hello, lib };
