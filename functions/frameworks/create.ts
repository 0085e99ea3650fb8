import { importFramework } from "../../shared/services/frameworks.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await importFramework(services(), ctx, body),
}));
