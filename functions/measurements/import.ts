import { importMeasurements } from "../../shared/services/measurement-import.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

/** The organiser's file of measured values, read in the browser into rows: all of them or none. */
export const handler = apiHandler(async ({ ctx, params, body, rawBody }) => ({
  body: await importMeasurements(adapters(), ctx, {
    periodId: params.periodId as string,
    body,
    rawBody,
  }),
}));
