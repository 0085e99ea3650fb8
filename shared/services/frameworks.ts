import { hasRole } from "../access/roles.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import type { Framework } from "../model/framework.ts";
import { parseFramework, predecessorIssues } from "../model/framework-rules.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import type { FrameworkSummary, Page, PageRequest } from "./ports.ts";

export async function importFramework(ports: Ports, ctx: RequestContext, body: unknown): Promise<Framework> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin imports frameworks");
  const parsed = parseFramework(body);
  if (!parsed.ok)
    throw unprocessable(
      "invalid-framework",
      `the framework has ${parsed.issues.length} problem(s)`,
      parsed.issues,
    );
  const framework = await withPredecessor(ports, parsed.value);
  await ports.frameworks.create(
    framework,
    ctx.now.toISOString(),
    auditEntry(ctx, `framework#${framework.id}`, "framework.import", undefined, {
      id: framework.id,
      name: framework.name,
    }),
  );
  return framework;
}

export async function getFramework(ports: Ports, id: string): Promise<Framework> {
  const framework = await ports.frameworks.get(id);
  if (!framework) throw notFound(`framework "${id}"`);
  return framework;
}

export function listFrameworks(ports: Ports, page: PageRequest): Promise<Page<FrameworkSummary>> {
  return ports.frameworks.list(page);
}

/**
 * A framework that names a predecessor: that one must exist and the map must fit it (framework-rules.ts);
 * it joins the predecessor's lineage unless it names its own.
 */
async function withPredecessor(ports: Ports, framework: Framework): Promise<Framework> {
  const id = framework.predecessor?.frameworkId;
  if (id === undefined) return framework;
  const previous = await ports.frameworks.get(id);
  if (!previous)
    throw unprocessable("invalid-framework", `the predecessor framework "${id}" does not exist`, [
      { path: "predecessor.frameworkId", message: `no framework "${id}": import it first` },
    ]);
  const issues = predecessorIssues(framework, previous);
  if (issues.length > 0)
    throw unprocessable(
      "invalid-framework",
      `the framework has ${issues.length} problem(s) against its predecessor "${id}"`,
      issues,
    );
  return framework.lineage ? framework : { ...framework, lineage: previous.lineage ?? previous.id };
}
