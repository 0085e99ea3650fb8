import { revokeSource } from "../../shared/services/sources.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params }) => {
  await revokeSource(adapters(), ctx, params.sourceId as string);
  return { status: 204 };
});
