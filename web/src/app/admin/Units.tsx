import { t } from "../../i18n/index.ts";
import { useAsync } from "../../ui/common.tsx";
import { paths, put } from "../api.ts";
import { allUnits, forgetUnits } from "../context.ts";
import { ImportFile } from "./ImportFile.tsx";

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
    </section>
  );
}
