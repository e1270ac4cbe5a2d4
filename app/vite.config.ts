// The web app (app/): `npm run appbuild` writes dist/app/, which `assb app` serves. The compute worker is
// host/browser/worker.ts (bundled by Vite as a module worker); the wasm core and the cell parameter sets are
// copied as assets from the URLs the worker names.
import { defineConfig } from "vite";

export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "./",
  logLevel: "warn",
  build: {
    outDir: new URL("../dist/app", import.meta.url).pathname,
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: "es" },
  // cross-origin isolation (SharedArrayBuffer) as `assb app` serves it
  server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
});
