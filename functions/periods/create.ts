import { createPeriod } from "../../shared/services/periods.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await createPeriod(adapters(), ctx, body),
}));
