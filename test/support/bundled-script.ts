import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * For the environment of a `node <bundled script>` child: V8's compiled code of the bundle kept on
 * disk (Node 22's module compile cache), so that the harnesses' many starts of the same bundle do not
 * compile its megabytes again each time. It changes no behaviour, only the start-up's CPU.
 */
export const COMPILE_CACHE_ENV = { NODE_COMPILE_CACHE: join(ROOT, ".cache/node-compile") };

const bundled = new Map<string, Promise<string>>();
/**
 * A TypeScript entry point of the repository (test/support/job-child.ts, shared/cli/score.ts) bundled
 * once per test file (esbuild, as the functions are), written under .cache/<name>/ (inside the
 * repository, where a require() left in the bundle resolves) by the hash of its content: one file per
 * version of the bundle, not one per run. `node <file>` starts in a fraction of the time tsx takes.
 */
export function bundledScript(entry: string): Promise<string> {
  const name = basename(entry, ".ts");
  let script = bundled.get(entry);
  script ??= (async () => {
    const built = await build({
      entryPoints: [join(ROOT, entry)],
      outfile: join(ROOT, `.cache/${name}/${name}.mjs`),
      write: false,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "error",
      // Some dependencies are CommonJS and call require().
      banner: {
        js: "import { createRequire as createRequireOfBanner } from 'node:module'; const require = createRequireOfBanner(import.meta.url);",
      },
    });
    const [output] = built.outputFiles;
    if (!output) throw new Error(`esbuild wrote no bundle of ${entry}`);
    const hash = createHash("sha256").update(output.contents).digest("hex").slice(0, 16);
    const outfile = join(ROOT, `.cache/${name}`, `${name}-${hash}.mjs`);
    if (!existsSync(outfile)) {
      await mkdir(dirname(outfile), { recursive: true });
      // Written aside and renamed: test files running side by side may write the same bundle.
      const aside = `${outfile}.${process.pid}.tmp`;
      await writeFile(aside, output.contents);
      await rename(aside, outfile);
    }
    return outfile;
  })();
  bundled.set(entry, script);
  return script;
}
