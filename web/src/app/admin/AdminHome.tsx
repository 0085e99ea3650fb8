import { useState } from "preact/hooks";
import { fmt, t } from "../../i18n/index.ts";
import { navigate } from "../../router.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, type ErrorDetail, errorText, getAll, paths, post, put } from "../api.ts";
import { allUnits, forgetUnits } from "../context.ts";
import type { FrameworkSummary, Period, Unit } from "../types.ts";
import { Details, PeriodBadge } from "../ui.tsx";
import {
  type Converted,
  frameworkFromSheets,
  frameworkTemplate,
  issueText,
  unitsFromSheets,
  unitsTemplate,
} from "./excel.ts";
import { readXlsx, type Sheets } from "./xlsx.ts";

/** The organiser's screen: index sets, units, users and periods. */
export function AdminHome() {
  useTitle(t("admin.title"));
  /** Bumped by an import, so that every list of index sets reads them again. */
  const [frameworks, setFrameworks] = useState(0);
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <nav class="toc" aria-label={t("form.contents")}>
        <ol>
          <li>
            <a href="#periods">{t("admin.periods")}</a>
          </li>
          <li>
            <a href="#frameworks">{t("admin.frameworks")}</a>
          </li>
          <li>
            <a href="#units">{t("admin.units")}</a>
          </li>
          <li>
            <a href="#users">{t("admin.users")}</a>
          </li>
        </ol>
      </nav>
      <Periods frameworksVersion={frameworks} />
      <Frameworks version={frameworks} onImported={() => setFrameworks((n) => n + 1)} />
      <Units />
      <Users />
    </>
  );
}

interface Outcome {
  ok?: string;
  error?: string;
  details?: ErrorDetail[];
}

function OutcomeNote({ outcome }: { outcome: Outcome }) {
  if (outcome.ok)
    return (
      <p class="notice notice-ok" role="status">
        {outcome.ok}
      </p>
    );
  if (outcome.error)
    return (
      <div class="notice notice-error" role="alert">
        <p>{outcome.error}</p>
        <Details details={outcome.details ?? []} />
      </div>
    );
  return null;
}

const failure = (error: unknown): Outcome => ({
  error: errorText(error),
  details: error instanceof ApiError ? error.details : [],
});

/** Reads a chosen JSON file; a syntax error is reported as such. */
async function readJson(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(t("admin.badJson", { name: file.name, message: (error as Error).message }));
  }
}

const isExcel = (file: File) => /\.xlsx$/i.test(file.name);

/**
 * Imports a JSON file as is, or a filled-in Excel template converted first. The problems of either
 * (the conversion's, and the API's mapped back to the template) are given by sheet, row and column.
 */
async function importFile(
  file: File,
  convert: (sheets: Sheets) => Converted,
  send: (body: unknown) => Promise<string>,
): Promise<Outcome> {
  let converted: Converted | undefined;
  try {
    let body: unknown;
    if (isExcel(file)) {
      converted = convert(await readXlsx(await file.arrayBuffer()));
      if (converted.issues.length > 0)
        return {
          error: t("excel.problems", { n: converted.issues.length, name: file.name }),
          details: converted.issues.map((i) => ({ path: "", message: issueText(i) })),
        };
      body = converted.value;
    } else body = await readJson(file);
    return { ok: await send(body) };
  } catch (error) {
    const outcome = failure(error);
    const source = converted;
    if (source && error instanceof ApiError)
      outcome.details = error.details.map((d) => ({
        path: "",
        message: issueText(source.locate(d.path, d.message)),
      }));
    return outcome;
  }
}

/** Offers a generated file for download. */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Frameworks({ version, onImported }: { version: number; onImported: () => void }) {
  const list = useAsync(() => getAll<FrameworkSummary>(paths.frameworks), [version]);
  const [outcome, setOutcome] = useState<Outcome>({});
  const [busy, setBusy] = useState(false);
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
      <div class="field">
        <label for="framework-file">{t("admin.importFramework")}</label>
        <input
          id="framework-file"
          type="file"
          accept=".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={busy}
          aria-describedby="framework-help"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (!file) return;
            setBusy(true);
            setOutcome({});
            const result = await importFile(file, frameworkFromSheets, async (body) => {
              const created = await post<{ id: string; name: string }>(paths.frameworks, body);
              return t("admin.frameworkImported", { id: created.id });
            });
            setOutcome(result);
            if (result.ok) onImported();
            setBusy(false);
          }}
        />
        <span id="framework-help" class="muted">
          {t("admin.frameworkHelp")}
        </span>
      </div>
      <p>
        <button
          type="button"
          class="btn btn-small"
          onClick={() => download(frameworkTemplate(), "mau-bo-chi-so.xlsx")}
        >
          {t("admin.frameworkTemplate")}
        </button>
      </p>
      <OutcomeNote outcome={outcome} />
    </section>
  );
}

function Units() {
  const units = useAsync(() => allUnits(), []);
  const [outcome, setOutcome] = useState<Outcome>({});
  const [busy, setBusy] = useState(false);
  return (
    <section aria-labelledby="units" class="admin-section">
      <h2 id="units">{t("admin.units")}</h2>
      {units.data && <p>{t("admin.unitCount", { n: units.data.size })}</p>}
      <div class="field">
        <label for="units-file">{t("admin.importUnits")}</label>
        <input
          id="units-file"
          type="file"
          accept=".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={busy}
          aria-describedby="units-help"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (!file) return;
            setBusy(true);
            setOutcome({});
            const result = await importFile(file, unitsFromSheets, async (json) => {
              const body = Array.isArray(json) ? { units: json } : json;
              const counts = await put<{ created: number; updated: number }>(paths.units, body);
              return t("admin.unitsImported", counts);
            });
            setOutcome(result);
            if (result.ok) {
              forgetUnits();
              units.reload();
            }
            setBusy(false);
          }}
        />
        <span id="units-help" class="muted">
          {t("admin.unitsHelp")}
        </span>
      </div>
      <p>
        <button
          type="button"
          class="btn btn-small"
          onClick={() => download(unitsTemplate(), "mau-don-vi.xlsx")}
        >
          {t("admin.unitsTemplate")}
        </button>
      </p>
      <OutcomeNote outcome={outcome} />
    </section>
  );
}

const ROLE_CHOICES = ["unit-editor", "unit-approver", "reviewer", "admin"] as const;

function Users() {
  const units = useAsync(() => allUnits(), []);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<string[]>(["unit-editor"]);
  const [unitId, setUnitId] = useState("");
  const [outcome, setOutcome] = useState<Outcome>({});
  const [busy, setBusy] = useState(false);
  const unitRole = roles.some((r) => r.startsWith("unit-"));
  const list: Unit[] = units.data
    ? [...units.data.values()].sort((a, b) => a.name.localeCompare(b.name, "vi"))
    : [];
  return (
    <section aria-labelledby="users" class="admin-section">
      <h2 id="users">{t("admin.users")}</h2>
      <form
        class="card grid-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setOutcome({});
          try {
            await post(paths.users, {
              username: username.trim(),
              password,
              roles,
              ...(unitId ? { unitId } : {}),
            });
            setOutcome({ ok: t("admin.userCreated", { username: username.trim() }) });
            setUsername("");
            setPassword("");
          } catch (error) {
            setOutcome(failure(error));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="user-name">{t("signIn.username")}</label>
          <input
            id="user-name"
            autoComplete="off"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="user-password">{t("admin.password")}</label>
          <input
            id="user-password"
            type="text"
            autoComplete="new-password"
            required
            aria-describedby="user-password-help"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <span id="user-password-help" class="muted">
            {t("admin.passwordHelp")}
          </span>
        </div>
        <fieldset>
          <legend>{t("admin.roles")}</legend>
          {ROLE_CHOICES.map((r) => (
            <label key={r} class="choice">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={(e) =>
                  setRoles(e.currentTarget.checked ? [...roles, r] : roles.filter((x) => x !== r))
                }
              />
              {t(`role.${r}`)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="user-unit">{t("admin.unit")}</label>
          <select
            id="user-unit"
            value={unitId}
            required={unitRole}
            onChange={(e) => setUnitId(e.currentTarget.value)}
          >
            <option value="">{unitRole ? t("admin.chooseUnit") : t("admin.noUnit")}</option>
            {list.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.code})
              </option>
            ))}
          </select>
        </div>
        <div>
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || !username || !password || roles.length === 0}
          >
            {t("admin.createUser")}
          </button>
        </div>
      </form>
      <OutcomeNote outcome={outcome} />
    </section>
  );
}

/** A datetime-local value (Vietnam time) from an ISO instant, and back (the API reads it as Vietnam time). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso) + 7 * 3600_000;
  return new Date(ms).toISOString().slice(0, 16);
}

function Periods({ frameworksVersion }: { frameworksVersion: number }) {
  const periods = useAsync(() => getAll<Period>(paths.periods), []);
  const frameworks = useAsync(() => getAll<FrameworkSummary>(paths.frameworks), [frameworksVersion]);
  const now = Date.now();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [frameworkId, setFrameworkId] = useState("");
  const [opensAt, setOpensAt] = useState(toLocalInput(new Date(now).toISOString()));
  const [closesAt, setClosesAt] = useState(toLocalInput(new Date(now + 30 * 86400_000).toISOString()));
  const [explanationClosesAt, setExplanation] = useState(
    toLocalInput(new Date(now + 45 * 86400_000).toISOString()),
  );
  const [outcome, setOutcome] = useState<Outcome>({});
  const [busy, setBusy] = useState(false);
  const list = [...(periods.data ?? [])].sort((a, b) => Date.parse(b.opensAt) - Date.parse(a.opensAt));
  return (
    <section aria-labelledby="periods" class="admin-section">
      <h2 id="periods">{t("admin.periods")}</h2>
      {periods.loading && <Loading />}
      {periods.error !== undefined && <ErrorNote error={periods.error} retry={periods.reload} />}
      {list.length > 0 && (
        <Scroll label={t("admin.periods")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("period.name")}</th>
                <th scope="col">{t("period.state")}</th>
                <th scope="col">{t("period.closesAt")}</th>
                <th scope="col" class="num">
                  {t("admin.submittedCol")}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <a href={`/app/admin/periods/${encodeURIComponent(p.id)}`}>{p.name}</a>{" "}
                    <code class="muted">{p.id}</code>
                  </th>
                  <td>
                    <PeriodBadge state={p.state} />
                  </td>
                  <td>{fmt.dateTime(p.closesAt)}</td>
                  <td class="num">
                    {p.counts.submitted}/{p.counts.units}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <h3>{t("admin.newPeriod")}</h3>
      <form
        class="card grid-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setOutcome({});
          try {
            const created = await post<Period>(paths.periods, {
              id: id.trim(),
              name: name.trim(),
              frameworkId,
              opensAt,
              closesAt,
              ...(explanationClosesAt ? { explanationClosesAt } : {}),
            });
            navigate(`/app/admin/periods/${encodeURIComponent(created.id)}`);
          } catch (error) {
            setOutcome(failure(error));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="period-id">{t("admin.periodId")}</label>
          <input
            id="period-id"
            required
            pattern="[a-z0-9][a-z0-9\-]*"
            aria-describedby="period-id-help"
            value={id}
            onInput={(e) => setId(e.currentTarget.value)}
          />
          <span id="period-id-help" class="muted">
            {t("admin.periodIdHelp")}
          </span>
        </div>
        <div class="field">
          <label for="period-name">{t("period.name")}</label>
          <input id="period-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="period-framework">{t("admin.framework")}</label>
          <select
            id="period-framework"
            required
            value={frameworkId}
            onChange={(e) => setFrameworkId(e.currentTarget.value)}
          >
            <option value="">{t("admin.chooseFramework")}</option>
            {(frameworks.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name} ({f.id})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="period-opens">{t("period.opensAt")}</label>
          <input
            id="period-opens"
            type="datetime-local"
            required
            value={opensAt}
            onInput={(e) => setOpensAt(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="period-closes">{t("period.closesAt")}</label>
          <input
            id="period-closes"
            type="datetime-local"
            required
            value={closesAt}
            onInput={(e) => setClosesAt(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="period-explanation">{t("period.explanationClosesAt")}</label>
          <input
            id="period-explanation"
            type="datetime-local"
            value={explanationClosesAt}
            onInput={(e) => setExplanation(e.currentTarget.value)}
          />
        </div>
        <p class="muted">{t("admin.timesVietnam")}</p>
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy || !id || !name || !frameworkId}>
            {t("admin.createPeriod")}
          </button>
        </div>
      </form>
      <OutcomeNote outcome={outcome} />
    </section>
  );
}
