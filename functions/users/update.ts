import { updateUser } from "../../shared/services/users.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await updateUser(adapters(), ctx, params.username as string, body),
}));
