import { createUser } from "../../shared/services/users.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await createUser(adapters(), ctx, body),
}));
