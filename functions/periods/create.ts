import { createPeriod } from "../../shared/services/periods.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await createPeriod(services(), ctx, body),
}));
