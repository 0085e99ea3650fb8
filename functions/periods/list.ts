import { listPeriods } from "../../shared/services/periods.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, page, query }) => ({
  body: await listPeriods(services(), ctx, page, query.state),
}));
