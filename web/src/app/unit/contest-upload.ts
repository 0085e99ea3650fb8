import { t } from "../../i18n/index.ts";
import { paths, post } from "../api.ts";
import type { Evidence } from "../types.ts";
import { shrinkForUpload } from "./shrink.ts";
import { contentTypeOf, fileProblem, postToStorage } from "./upload.ts";

/**
 * New evidence for a contest, uploaded in the explanation round (DOMAIN.md §6.5): the server marks it
 * `round: "explanation"`, so it backs the contest and never the self-assessment score. The same three
 * steps as the form's upload: ask, post to storage, confirm.
 */
export async function uploadContestFile(
  periodId: string,
  unitId: string,
  code: string,
  original: File,
): Promise<Evidence> {
  const file = await shrinkForUpload(original);
  const problem = fileProblem(file);
  if (problem) throw new Error(problem);
  const contentType = contentTypeOf(file);
  const reply = await post<{ evidence: Evidence; upload?: { url: string; fields: Record<string, string> } }>(
    paths.evidence(periodId, unitId),
    { indicatorCodes: [code], fileName: file.name, contentType, size: file.size },
  );
  if (!reply.upload) throw new Error(t("upload.network"));
  await postToStorage(reply.upload, file, contentType, () => undefined);
  const confirmed = await post<{ evidence: Evidence }>(paths.confirm(periodId, unitId, reply.evidence.id));
  return confirmed.evidence;
}
