import { upsertUnits } from "../../shared/services/units.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  body: await upsertUnits(adapters(), ctx, body),
}));
