import { synthBundles } from "../../infra/local/bundles/synth.ts";

/**
 * The e2e project's global setup: the bundle mode's synth (cached in .cache/bundles/; about a minute
 * when the sources changed) before any file starts a stack in that mode, so the synth is not counted
 * in a test's hook timeout.
 */
export default async function setup() {
  const app = await synthBundles((line) => console.log(line));
  if (app.synthesized) console.log(`bundles: synthesized in ${app.seconds.toFixed(1)} s`);
}
