import { t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync } from "../../ui/common.tsx";
import { getAll, paths, post } from "../api.ts";
import type { FrameworkSummary } from "../types.ts";
import { ImportFile } from "./ImportFile.tsx";

/** The index sets: those imported so far, and the import of another. */
export function Frameworks({ version, onImported }: { version: number; onImported: () => void }) {
  const list = useAsync(() => getAll<FrameworkSummary>(paths.frameworks), [version]);
  return (
    <section aria-labelledby="frameworks" class="admin-section">
      <h2 id="frameworks">{t("admin.frameworks")}</h2>
      {list.loading && <Loading />}
      {list.error !== undefined && <ErrorNote error={list.error} retry={list.reload} />}
      {list.data && list.data.length === 0 && <p class="muted">{t("admin.noFrameworks")}</p>}
      {list.data && list.data.length > 0 && (
        <ul>
          {list.data.map((f) => (
            <li key={f.id}>
              <code>{f.id}</code> — {f.name} {f.decision && <span class="muted">({f.decision})</span>}
            </li>
          ))}
        </ul>
      )}
      <ImportFile
        kind="framework"
        send={async (body) => {
          const created = await post<{ id: string; name: string }>(paths.frameworks, body);
          return t("admin.frameworkImported", { id: created.id });
        }}
        onImported={onImported}
      />
    </section>
  );
}
