import * as z from "zod";
import { codeSchema, dateSchema, idSchema, nameSchema } from "./common.ts";

/**
 * A unit (department, district, commune …). The unit tree is data: validity dates and predecessors
 * carry restructurings such as the 2025 reform (DOMAIN.md §2).
 */
export const unitSchema = z.strictObject({
  id: idSchema,
  code: codeSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  kind: z.string().min(1).max(64),
  parentId: idSchema.optional(),
  /** First and last day the unit exists (inclusive); absent = unbounded. */
  validFrom: dateSchema.optional(),
  validTo: dateSchema.optional(),
  /** Where deadline reminders go. */
  email: z.email().max(254).optional(),
  /** Units merged into this one: its rank change compares with their mean index. */
  predecessorIds: z.array(idSchema).optional(),
  /** The reorganisation that formed this unit (POST /api/reforms), for "sáp nhập từ … theo …". */
  reform: z
    .strictObject({ decision: z.string().trim().min(1).max(100), effectiveDate: dateSchema })
    .optional(),
});

export type Unit = z.infer<typeof unitSchema>;

/** Whether the unit exists on a calendar day (YYYY-MM-DD; ISO dates compare as strings). */
export function unitValidOn(unit: Unit, day: string): boolean {
  return (
    (unit.validFrom === undefined || unit.validFrom <= day) &&
    (unit.validTo === undefined || day <= unit.validTo)
  );
}
