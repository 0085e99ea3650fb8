import { applyReform } from "../../shared/services/reforms.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  body: await applyReform(adapters(), ctx, body),
}));
