# The same package set as hello.ts, for nix-instantiate.
let
  greeting = builtins.toFile "greeting.txt" "Hello from a cairn recipe!\n";
  lib = derivation {
    name = "libgreet-1.0";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo lib > $out; echo headers > $dev" ];
    outputs = [ "out" "dev" ];
  };
  hello = derivation {
    name = "hello-2.12";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "cat ${greeting} > $out" ];
    buildInputs = [ lib lib.dev ];
    enableParallelBuilding = true;
    jobs = 4;
    inherit greeting;
  };
in { inherit hello lib; }
