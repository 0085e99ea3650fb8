import { listAudit } from "../../shared/services/audit.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, page, query }) => ({
  body: await listAudit(adapters(), ctx, query, page),
}));
