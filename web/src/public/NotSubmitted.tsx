import { t } from "../i18n/index.ts";

/**
 * The label of a unit that did not submit: ranked with 0 points like the others, and said so in
 * words (not by colour alone), so a reader does not take the 0 for a scored result.
 */
export function NotSubmitted() {
  return <span class="badge not-submitted">{t("rankings.notSubmitted")}</span>;
}
