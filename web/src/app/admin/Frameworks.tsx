import { t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync } from "../../ui/common.tsx";
import { getAll, paths, post } from "../api.ts";
import type { FrameworkSummary } from "../types.ts";
import { useAction } from "../useAction.ts";
import { ImportFile } from "./ImportFile.tsx";
import { exportFramework } from "./importing.ts";
import { tp } from "./messages-period.ts";
import { OutcomeNote } from "./outcome.tsx";

/** The index sets: those imported so far, and the import of another. */
export function Frameworks({ version, onImported }: { version: number; onImported: () => void }) {
  const list = useAsync(() => getAll<FrameworkSummary>(paths.frameworks), [version]);
  const exporting = useAction((id: string) => exportFramework(id));
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
              <code>{f.id}</code> — {f.name} {f.decision && <span class="muted">({f.decision})</span>}{" "}
              <button
                type="button"
                class="btn btn-small"
                disabled={exporting.busy}
                aria-label={tp("exportExcelOf", { id: f.id })}
                onClick={() => void exporting.run(f.id)}
              >
                {tp("exportExcel")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <OutcomeNote error={exporting.error} failure={exporting.failure} />
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
