// Prebuilt tools for the profile demo (examples/profile-demo.sh). Each is a fixed-output
// derivation whose output is a tree in examples/trees (recursive sha256), so adding that tree
// (`cairn add examples/trees/greet-1.0 --name greet-1.0`) makes the output valid without a
// builder, exactly as substituting it from a cache would.
import { derivation } from "cairn";

const prebuilt = (name: string, outputHash: string) =>
  derivation({
    name,
    system: "x86_64-linux",
    builder: "/bin/sh",
    args: ["-c", "echo 'add the prebuilt tree: cairn add examples/trees/$name --name $name' >&2; exit 1"],
    outputHashMode: "recursive",
    outputHashAlgo: "sha256",
    outputHash,
  });

export const greet = prebuilt("greet-1.0", "0l2vmv71nmbwzyypqqb0i4rqqzj2v4ac6lgjm52kn6p54hyvkbqm");
export const wave = prebuilt("wave-1.0", "092l3mfp1cdqfsspy5dy5bnfj798h2jpsaas35yphn0yby6m36vp");
// Both provide bin/hello: installing the two together is a collision unless --priority decides.
export const hello = prebuilt("hello", "1j1b2iak47ghiay0c7gnrwfmzsjpzwr0zbzlk7s5327v2p4fzqj6");
export const hallo = prebuilt("hallo-1.0", "1w171vigc50gxm8mwr6dxrsbf4mk15gcd875lsrnxh8q32lq76c2");

export default { greet, wave };
