import { listFrameworks } from "../../shared/services/frameworks.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ page }) => ({ body: await listFrameworks(adapters(), page) }));
