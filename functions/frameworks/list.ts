import { listFrameworks } from "../../shared/services/frameworks.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ page }) => ({ body: await listFrameworks(services(), page) }));
