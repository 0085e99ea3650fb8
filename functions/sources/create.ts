import { createSource } from "../../shared/services/sources.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await createSource(adapters(), ctx, body),
  // The secret is in this answer only: no cache may keep it.
  headers: { "Cache-Control": "no-store" },
}));
