import { importFramework } from "../../shared/services/frameworks.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await importFramework(adapters(), ctx, body),
}));
