import { listUnits } from "../../shared/services/units.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, page }) => ({
  body: await listUnits(adapters(), ctx, page),
}));
