import { getFramework } from "../../shared/services/frameworks.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ params }) => ({
  body: await getFramework(services(), params.frameworkId as string),
}));
