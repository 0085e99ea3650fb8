import { listUnits } from "../../shared/services/units.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, page }) => ({
  body: await listUnits(services(), ctx, page),
}));
