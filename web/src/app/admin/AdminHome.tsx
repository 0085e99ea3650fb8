import { useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { useTitle } from "../../ui/common.tsx";
import { Frameworks } from "./Frameworks.tsx";
import { Periods } from "./Periods.tsx";
import { Units } from "./Units.tsx";
import { Users } from "./Users.tsx";

const SECTIONS = [
  ["periods", "admin.periods"],
  ["frameworks", "admin.frameworks"],
  ["units", "admin.units"],
  ["users", "admin.users"],
] as const;

/** The organiser's screen: periods, index sets, units and users, one section each. */
export function AdminHome() {
  useTitle(t("admin.title"));
  /** Bumped by an import, so that every list of index sets reads them again. */
  const [frameworks, setFrameworks] = useState(0);
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <nav class="toc" aria-label={t("form.contents")}>
        <ol>
          {SECTIONS.map(([id, key]) => (
            <li key={id}>
              <a href={`#${id}`}>{t(key)}</a>
            </li>
          ))}
        </ol>
      </nav>
      <Periods frameworksVersion={frameworks} />
      <Frameworks version={frameworks} onImported={() => setFrameworks((n) => n + 1)} />
      <Units />
      <Users />
    </>
  );
}
