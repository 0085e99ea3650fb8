import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ page }) => ({ body: await services().units.list(page) }));
