import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/**
 * Measures what the public ranking page costs a visitor, at build time: the JS and CSS it loads
 * first (the entry chunk, its static imports and their CSS), and what it may load later on the same
 * page (its lazy chunks: the chart with uPlot, the English dictionary). Sizes are gzip level 9.
 * Prints a table, writes dist/page-weight.json, and fails the build when the public page, lazy parts
 * included, exceeds the budget. The signed-in screens are other chunks and are listed apart.
 */
export function pageWeight(options: { budgetKb: number }): Plugin {
  return {
    name: "chiso-page-weight",
    apply: "build",
    generateBundle(_output, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; dynamic: string[]; css: string[] }>();
      const assets = new Map<string, string | Uint8Array>();
      let entry: string | undefined;
      const facades = new Map<string, string>();
      for (const [name, item] of Object.entries(bundle)) {
        if (item.type === "chunk") {
          const meta = (item as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata;
          chunks.set(name, {
            code: item.code,
            imports: item.imports,
            dynamic: item.dynamicImports,
            css: [...(meta?.importedCss ?? [])],
          });
          if (item.isEntry) entry = name;
          if (item.facadeModuleId) facades.set(name, item.facadeModuleId.replaceAll("\\", "/"));
        } else assets.set(name, item.source);
      }
      if (!entry) return;
      const gz = (text: string | Uint8Array) => gzipSync(text, { level: 9 }).byteLength;
      const closure = (start: string[], seen = new Set<string>()) => {
        const stack = [...start];
        while (stack.length > 0) {
          const name = stack.pop() as string;
          if (seen.has(name)) continue;
          seen.add(name);
          stack.push(...(chunks.get(name)?.imports ?? []));
        }
        return seen;
      };
      const sizeOf = (names: Set<string>) => {
        let js = 0;
        let css = 0;
        const cssFiles = new Set<string>();
        for (const name of names) {
          const chunk = chunks.get(name);
          if (!chunk) continue;
          js += gz(chunk.code);
          for (const file of chunk.css) cssFiles.add(file);
        }
        for (const file of cssFiles) css += gz(assets.get(file) ?? "");
        return { js, css, total: js + css };
      };
      const initial = closure([entry]);
      const publicLazy = [...initial]
        .flatMap((name) => chunks.get(name)?.dynamic ?? [])
        .filter((name) => /\/src\/(public|i18n)\//.test(facades.get(name) ?? ""));
      const withLazy = closure(publicLazy, new Set(initial));
      const appOnly = new Set([...chunks.keys()].filter((n) => !withLazy.has(n)));
      const first = sizeOf(initial);
      const all = sizeOf(withLazy);
      const app = sizeOf(appOnly);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const lines = [
        "public page weight (gzip):",
        `  first load        JS ${kb(first.js)} + CSS ${kb(first.css)} = ${kb(first.total)}`,
        `  with lazy parts   JS ${kb(all.js)} + CSS ${kb(all.css)} = ${kb(all.total)}  (chart, English; budget ${options.budgetKb} KB)`,
        `  signed-in screens JS ${kb(app.js)} + CSS ${kb(app.css)} = ${kb(app.total)}  (separate chunks, not loaded by the public page)`,
      ];
      console.log(`\n${lines.join("\n")}\n`);
      this.emitFile({
        type: "asset",
        fileName: "page-weight.json",
        source: JSON.stringify({ gzipBytes: { firstLoad: first, withLazy: all, signedIn: app } }, null, 2),
      });
      if (all.total > options.budgetKb * 1024)
        this.error(`the public page weighs ${kb(all.total)} gzip, over its ${options.budgetKb} KB budget`);
    },
  };
}
