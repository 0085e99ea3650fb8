import { hasRole } from "../access/roles.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import type { Framework } from "../model/framework.ts";
import { parseFramework } from "../model/framework-rules.ts";
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
  const framework = parsed.value;
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
