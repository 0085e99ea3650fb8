import type { TestProject } from "vitest/node";
import { synthBundles } from "../../infra/local/bundles/synth.ts";

/**
 * Starts the bundle mode's synth (a child process, about a minute when the sources changed) at the
 * beginning of a run that will need it, without waiting for it: global setups run one after another,
 * so the synth goes on while the integration stack starts and the infra project synthesizes its own
 * variants; the bundles and e2e setups then find it done, or wait for its lock (synth.ts).
 */
export default function setup(project: TestProject) {
  const needed = project.vitest.projects.some((p) => p.name === "bundles" || p.name === "e2e");
  if (needed)
    synthBundles().catch((error: unknown) => console.error("bundles: the early synth failed:", error));
}
