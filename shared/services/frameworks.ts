import { hasRole } from "../access/roles.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import type { Framework } from "../model/framework.ts";
import { parseFramework } from "../model/framework-rules.ts";
import type { FrameworkSummary } from "../store/frameworks.ts";
import type { Page, PageRequest } from "../store/page.ts";
import { auditEntry, type RequestContext, type Services } from "./context.ts";

export async function importFramework(
  services: Services,
  ctx: RequestContext,
  body: unknown,
): Promise<Framework> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin imports frameworks");
  const parsed = parseFramework(body);
  if (!parsed.ok)
    throw unprocessable(
      "invalid-framework",
      `the framework has ${parsed.issues.length} problem(s)`,
      parsed.issues,
    );
  const framework = parsed.value;
  await services.frameworks.create(
    framework,
    ctx.now.toISOString(),
    auditEntry(ctx, `framework#${framework.id}`, "framework.import", undefined, {
      id: framework.id,
      name: framework.name,
    }),
  );
  return framework;
}

export async function getFramework(services: Services, id: string): Promise<Framework> {
  const framework = await services.frameworks.get(id);
  if (!framework) throw notFound(`framework "${id}"`);
  return framework;
}

export function listFrameworks(services: Services, page: PageRequest): Promise<Page<FrameworkSummary>> {
  return services.frameworks.list(page);
}
