import { listPeriods } from "../../shared/services/periods.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, page, query }) => ({
  body: await listPeriods(adapters(), ctx, page, query.state),
}));
