// profile install and shell from recipes whose packages are built on the way (through cli/realise).
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cairn, rmTree } from "../helpers/cli.js";
import { project } from "../helpers/build.js";

describe("profile install of recipes that need building", () => {
  const p = project("cairn-profile-build-");
  afterAll(() => rmTree(p.dir));

  it("builds, installs, and the installed program runs from the profile", () => {
    const f = p.recipe(
      "tools.ts",
      `export const hello = sh("hello-2.0", \`$B mkdir -p $out/bin; printf '#!%s sh\\\\necho hello from a built package\\\\n' $B > $out/bin/hello; $B chmod +x $out/bin/hello\`);`,
    );
    const r = cairn(["profile", "install", f, "-A", "hello"], { env: p.env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/building '.*-hello-2\.0\.drv'/);
    const profile = path.join(p.root, "var/cairn/profiles/default");
    const out = cairn(["shell", f, "-A", "hello", "-c", "hello"], { env: p.env });
    expect(out.status, out.stderr).toBe(0);
    expect(out.out).toBe("hello from a built package\n");
    expect(fs.existsSync(path.join(profile, "bin/hello"))).toBe(true);
    const list = cairn(["profile", "list", "--json"], { env: p.env });
    expect(list.out).toMatch(/hello/);
  });
});
