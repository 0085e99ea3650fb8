import { resolve } from "node:path";
import { defineConfig } from "vite";
import { apiReference } from "./scripts/api-reference.ts";
import { pageWeight } from "./scripts/page-weight.ts";

const here = import.meta.dirname;
/** Where `npm start` runs the API, /public and /config.json (for `npm run dev:web`). */
const backend = process.env.CHISO_BACKEND ?? "http://localhost:3000";

export default defineConfig({
  root: here,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: resolve(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": backend, "/public": backend, "/config.json": backend },
  },
  plugins: [
    pageWeight({ budgetKb: 60 }),
    // The API reference for integrators at /developers/index.html, from docs/openapi.json.
    apiReference({
      document: resolve(here, "../docs/openapi.json"),
      stylesheet: resolve(here, "scripts/api-reference.css"),
    }),
  ],
});
