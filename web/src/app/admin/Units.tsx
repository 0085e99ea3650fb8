import { useState } from "preact/hooks";
import { fold, t } from "../../i18n/index.ts";
import { LoadState, Pager, pageOf, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { SelectField, TextField } from "../../ui/fields.tsx";
import { paths, put } from "../api.ts";
import { allUnits, forgetUnits } from "../context.ts";
import type { Unit } from "../types.ts";
import { ColumnHeads, Dialog, DialogFooter } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { ImportFile } from "./ImportFile.tsx";
import { download, templateOf } from "./importing.ts";
import { EditButton, FilterCard, ListHeading } from "./ListScreen.tsx";
import { ta } from "./messages-accounts.ts";
import { OutcomeNote } from "./outcome.tsx";
import { ReformImport, unitHistory } from "./ReformImport.tsx";
import "./accounts.css";

/** A JSON import may be the bare list of units or the API's body ({"units": […]}). */
export const unitsBody = (json: unknown) => (Array.isArray(json) ? { units: json } : json);

/** The units: how many there are, and the import that creates or updates them. */
export function Units() {
  const units = useAsync(() => allUnits(), []);
  return (
    <section aria-labelledby="units" class="admin-section">
      <h2 id="units">{t("admin.units")}</h2>
      {units.data && <p>{t("admin.unitCount", { n: units.data.size })}</p>}
      <ImportFile
        kind="units"
        send={async (json) => {
          const counts = await put<{ created: number; updated: number }>(paths.units, unitsBody(json));
          return t("admin.unitsImported", counts);
        }}
        onImported={() => {
          forgetUnits();
          units.reload();
        }}
      />
      <ReformImport
        onApplied={() => {
          forgetUnits();
          units.reload();
        }}
      />
    </section>
  );
}

/** Rows shown at a time: a province has hundreds of units. */
const PAGE = 100;

/** Every unit: searched by name or code, filtered by kind, edited one at a time, exported to Excel. */
export function UnitsScreen() {
  useTitle(ta("unitsTitle"));
  const units = useAsync(() => allUnits(), []);
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState("");
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<Unit | null>(null);
  const [saved, setSaved] = useState<string>();
  const exporting = useAction(async () => download(await templateOf("units"), "don-vi.xlsx"));
  const all = units.data ? [...units.data.values()] : [];
  const byId = units.data ?? new Map<string, Unit>();
  const kinds = [...new Set(all.map((u) => u.kind))].sort();
  const needle = fold(query.trim()).toLowerCase();
  const rows = all
    .filter((u) => !kind || u.kind === kind)
    .filter((u) => !needle || fold(`${u.name} ${u.code} ${u.id}`).toLowerCase().includes(needle))
    .sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const { current, pages, shown } = pageOf(rows, page, PAGE);
  // A new search starts from the first page.
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setPage(0);
  };
  return (
    <>
      <ListHeading title={ta("unitsTitle")} />
      <FilterCard>
        <TextField
          id="unit-search"
          label={ta("unitSearch")}
          type="search"
          value={query}
          onValue={filter(setQuery)}
        />
        <SelectField id="unit-kind" label={ta("kind")} value={kind} onValue={filter(setKind)}>
          <option value="">{ta("any")}</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </SelectField>
        <div>
          <button type="button" class="btn" disabled={exporting.busy} onClick={() => void exporting.run()}>
            {ta("export")}
          </button>
        </div>
      </FilterCard>
      <OutcomeNote error={exporting.error} failure={exporting.failure} ok={saved} />
      <LoadState of={units} />
      {units.data && (
        <>
          <p role="status">{rows.length === 0 ? ta("noUnits") : ta("unitsFound", { n: rows.length })}</p>
          {rows.length > 0 && (
            <Scroll label={ta("unitsTitle")}>
              <table>
                <ColumnHeads columns={[ta("name"), ta("code"), ta("kind"), ta("id"), ta("actions")]} />
                <tbody>
                  {shown.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">
                        {u.name}
                        {unitHistory(u, byId) && <div class="muted">{unitHistory(u, byId)}</div>}
                      </th>
                      <td>{u.code}</td>
                      <td>{u.kind}</td>
                      <td>{u.id}</td>
                      <td>
                        <EditButton
                          name={u.name}
                          onEdit={() => {
                            setSaved(undefined);
                            setEditing(u);
                          }}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
          <Pager page={current} pages={pages} onPage={setPage} label={t("rankings.pages")} />
        </>
      )}
      {editing && (
        <UnitDialog
          unit={editing}
          kinds={kinds}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setSaved(ta("unitSaved", { name }));
            forgetUnits();
            units.reload();
          }}
        />
      )}
    </>
  );
}

/** One unit's name, code and kind; the rest of it (id, parent, dates, e-mail) is sent back unchanged. */
function UnitDialog({
  unit,
  kinds,
  onClose,
  onSaved,
}: {
  unit: Unit;
  kinds: string[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [name, setName] = useState(unit.name);
  const [code, setCode] = useState(unit.code);
  const [kind, setKind] = useState(unit.kind);
  const save = useAction(async () => {
    await put(paths.units, { units: [{ ...unit, name: name.trim(), code: code.trim(), kind }] });
    onSaved(name.trim());
  });
  return (
    <Dialog open title={ta("editUnit", { name: unit.name })} onClose={onClose}>
      <p class="muted">{ta("unitIdKept", { id: unit.id })}</p>
      <TextField id="unit-edit-name" label={ta("name")} value={name} onValue={setName} required />
      <TextField id="unit-edit-code" label={ta("code")} value={code} onValue={setCode} required />
      <SelectField id="unit-edit-kind" label={ta("kind")} value={kind} onValue={setKind}>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </SelectField>
      <DialogFooter
        label={t("common.save")}
        onConfirm={() => void save.run()}
        onCancel={onClose}
        busy={save.busy}
        disabled={!name.trim() || !code.trim()}
        error={save.error}
      />
    </Dialog>
  );
}
