// The library: `import { … } from "cairn"`. Recipes' API (derivation, toFile, …) joins it with eval/.
export * from "./store/index.js";
