import { pushMeasurements } from "../../shared/services/measurements.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

/** A public route (no JWT): the service knows the source by its secret, and refuses anyone else (401). */
export const handler = apiHandler(async ({ ctx, params, body, rawBody, headers }) => ({
  body: await pushMeasurements(adapters(), ctx, {
    periodId: params.periodId as string,
    authorization: headers.authorization,
    body,
    rawBody,
  }),
}));
