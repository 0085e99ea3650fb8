import { listUsers } from "../../shared/services/users.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, page, query }) => ({
  body: await listUsers(adapters(), ctx, query, page),
}));
