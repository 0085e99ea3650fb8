import { createUser } from "../../shared/services/users.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, body }) => ({
  status: 201,
  body: await createUser(services(), ctx, body),
}));
