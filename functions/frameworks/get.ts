import { getFramework } from "../../shared/services/frameworks.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ params }) => ({
  body: await getFramework(adapters(), params.frameworkId as string),
}));
