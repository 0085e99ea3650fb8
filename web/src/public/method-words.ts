import { fmt, localLabel, t } from "../i18n/index.ts";
import type { MethodLeafMethod } from "./data.ts";

/**
 * A leaf's method in words, with the points its answers earn: one text for the public method page and
 * the workspace's hint beside each leaf. The page says everything (each level's points, a ratio's
 * parts and its b = 0 rule); the `brief` hint keeps to one line (a level's share of the maximum) and
 * leaves the rest to the leaf's own labels and guidance.
 */
export function methodWords(method: MethodLeafMethod, maxPoints: number, brief = false): string {
  const max = fmt.points(maxPoints);
  switch (method.type) {
    case "yesno":
      return t("method.yesno", { max });
    case "level":
      return method.options
        .map((o) =>
          brief
            ? `${localLabel(o)}: ${fmt.percent(o.fraction)}`
            : t("method.level", { label: localLabel(o), points: fmt.points(o.fraction * maxPoints) }),
        )
        .join(" · ");
    case "ratio": {
      const parts = [
        method.target < 1
          ? t("method.ratioTarget", { target: fmt.percent(method.target), max })
          : t("method.ratio", { max }),
      ];
      if (brief) return parts[0] as string;
      if (method.numeratorLabel && method.denominatorLabel)
        parts.push(t("method.ratioParts", { a: method.numeratorLabel, b: method.denominatorLabel }));
      parts.push(t(`method.whenZero.${method.whenZero}`));
      return parts.join("; ");
    }
    case "steps":
      return [...method.steps]
        .sort((a, b) => b.min - a.min)
        .map((s) => t("method.step", { min: fmt.number(s.min), points: fmt.points(s.points) }))
        .join(" · ");
    case "count":
      return t("method.count", { each: fmt.points(method.pointsEach), max });
    case "points":
      return brief ? t("method.points", { max }) : t("method.direct", { max });
    case "relative":
      return t("method.relative", { max });
    case "info":
      return t("method.info");
  }
}
