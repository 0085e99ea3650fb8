import { useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { useTitle } from "../../ui/common.tsx";
import { Frameworks } from "./Frameworks.tsx";
import { ta } from "./messages-accounts.ts";
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
      <nav class="toc" aria-label={ta("manage")}>
        <ul>
          <li>
            <a href="/app/admin/users">{ta("accountsLink")}</a>
          </li>
          <li>
            <a href="/app/admin/units">{ta("unitsLink")}</a>
          </li>
          <li>
            <a href="/app/admin/audit">{ta("auditLink")}</a>
          </li>
          <li>
            <a href="/app/admin/sources">{ta("sourcesLink")}</a>
          </li>
        </ul>
      </nav>
      <Periods frameworksVersion={frameworks} />
      <Frameworks version={frameworks} onImported={() => setFrameworks((n) => n + 1)} />
      <Units />
      <Users />
    </>
  );
}
