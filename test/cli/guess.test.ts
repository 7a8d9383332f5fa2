// cli/guess.ts: what the evaluation thread is given before the command loads. A guess that differs
// from the command's own reading only costs time (test/eval/loader.test.ts runs both ways), but a
// value option the guesser does not know would make every such command line a wrong guess.
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { VALUE_OPTIONS, evaluates, guessEvaluation } from "../../cli/guess.js";
import type { Context } from "../../cli/context.js";
import * as build from "../../cli/commands/build.js";
import * as instantiate from "../../cli/commands/instantiate.js";
import * as profile from "../../cli/commands/profile.js";

describe("guessEvaluation", () => {
  it("reads the recipe, attributes, root and store dir wherever the options are", () => {
    expect(guessEvaluation(["build", "r.ts"])).toEqual({ command: "build", file: "r.ts", attrs: [] });
    expect(guessEvaluation(["instantiate", "-A", "a.b", "r.ts", "--attr=c", "-Ad", "--root", "/R", "--store-dir=/S"])).toEqual({
      command: "instantiate",
      file: "r.ts",
      attrs: ["a.b", "c", "d"],
      root: "/R",
      storeDir: "/S",
    });
    // The bench's form: the profile's path before the recipe.
    expect(guessEvaluation(["profile", "install", "--profile", "/p/prof", "pkgs.ts", "--priority", "3"])).toEqual({
      command: "profile install",
      file: "pkgs.ts",
      attrs: [],
    });
    // Values that look like recipes are values, flags take none.
    expect(guessEvaluation(["build", "-o", "out.ts", "--no-link", "-j2", "--json", "x.mjs", "-v"])).toMatchObject({ file: "x.mjs" });
  });

  it("starts the evaluation thread for the commands that evaluate recipes only", () => {
    expect(evaluates(["build", "-A", "x", "r.ts"])).toBe(true);
    expect(evaluates(["instantiate"])).toBe(true); // the command then says what is missing
    expect(evaluates(["profile", "install", "--profile", "p", "r.ts"])).toBe(true);
    expect(evaluates(["profile", "install", "/s/store/abc-x"])).toBe(false);
    expect(evaluates(["profile", "remove", "r.ts"])).toBe(false);
    expect(evaluates(["gc"])).toBe(false);
  });

  it("gives up on anything else", () => {
    for (const args of [
      [],
      ["gc"],
      ["profile", "remove", "x.ts"],
      ["build"],
      ["build", "a.ts", "b.ts"], // several installables
      ["build", "/s/store/x.drv"],
      ["build", "a.ts", "--"],
      ["build", "a.ts", "--help"],
      ["build", "a.ts", "-A"], // a value missing
      ["build", "-nv", "a.ts"], // bundled short flags
      ["--root", "/R", "build", "a.ts"],
    ]) {
      expect(guessEvaluation(args), args.join(" ")).toBeUndefined();
    }
  });

  it("knows every option of build, instantiate and profile install that takes a value", () => {
    const program = new Command();
    const ctx = {} as Context; // register() only defines the commands
    for (const m of [build, instantiate, profile]) m.register(program, ctx);
    const commands: Record<string, Command> = {
      build: program.commands.find((c) => c.name() === "build")!,
      instantiate: program.commands.find((c) => c.name() === "instantiate")!,
      "profile install": program.commands.find((c) => c.name() === "profile")!.commands.find((c) => c.name() === "install")!,
    };
    for (const [name, cmd] of Object.entries(commands)) {
      const valued = cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((s): s is string => s !== undefined));
      expect([...VALUE_OPTIONS[name]!].sort(), name).toEqual(valued.sort());
    }
  });
});
