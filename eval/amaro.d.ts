// amaro ships no types. Nix has no counterpart: this is Node's TypeScript stripper.
declare module "amaro" {
  export function transformSync(
    source: string,
    options: { mode: "strip-only" | "transform"; filename?: string },
  ): { code: string; map?: string };
}
