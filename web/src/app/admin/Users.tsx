import { useState } from "preact/hooks";
import { useSession } from "../../auth/session.ts";
import { fmt, t } from "../../i18n/index.ts";
import { LoadState, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { SelectField, TextField, useFields } from "../../ui/fields.tsx";
import { paths, post } from "../api.ts";
import { allUnits } from "../context.ts";
import type { Unit } from "../types.ts";
import { ColumnHeads } from "../ui.tsx";
import { type Account, scopeChoices } from "./accounts-api.ts";
import { EditButton, FilterCard, ListHeading, MoreButton, usePagedList } from "./ListScreen.tsx";
import { ta } from "./messages-accounts.ts";
import { ActionForm, useOutcome } from "./outcome.tsx";
import { UserDialog } from "./UserDialog.tsx";
import "./accounts.css";

export const ROLE_CHOICES = ["unit-editor", "unit-approver", "reviewer", "admin"] as const;

/** The roles as checkboxes; `lockAdmin` keeps one's own admin role from being taken away. */
export function RoleChoices({
  roles,
  onRoles,
  lockAdmin = false,
}: {
  roles: string[];
  onRoles: (roles: string[]) => void;
  lockAdmin?: boolean;
}) {
  return (
    <fieldset>
      <legend>{t("admin.roles")}</legend>
      {ROLE_CHOICES.map((r) => (
        <label key={r} class="choice">
          <input
            type="checkbox"
            checked={roles.includes(r)}
            disabled={lockAdmin && r === "admin"}
            onChange={(e) => onRoles(e.currentTarget.checked ? [...roles, r] : roles.filter((x) => x !== r))}
          />
          {t(`role.${r}`)}
        </label>
      ))}
    </fieldset>
  );
}

/** A unit's roles act for one unit, which the account must then name. */
export const needsUnit = (roles: string[]) => roles.some((r) => r.startsWith("unit-"));

/** The body of POST /api/users from the form (the unit only when one is chosen). */
export function userBody(form: { username: string; password: string; roles: string[]; unitId: string }) {
  return {
    username: form.username.trim(),
    password: form.password,
    roles: form.roles,
    ...(form.unitId ? { unitId: form.unitId } : {}),
  };
}

/** Units by name, as Vietnamese sorts them. */
export const byName = (units: Iterable<Unit>): Unit[] =>
  [...units].sort((a, b) => a.name.localeCompare(b.name, "vi"));

/** A new account: name, first password, roles and (for a unit's roles) its unit. */
export function Users({ onCreated, title }: { onCreated?: () => void; title?: string } = {}) {
  const units = useAsync(() => allUnits(), []);
  const { values, setValues, bind } = useFields({ username: "", password: "", unitId: "" });
  const [roles, setRoles] = useState<string[]>(["unit-editor"]);
  const create = useOutcome(async () => {
    const body = userBody({ ...values, roles });
    await post(paths.users, body);
    setValues((current) => ({ ...current, username: "", password: "" }));
    onCreated?.();
    return t("admin.userCreated", { username: body.username });
  });
  const unitRole = needsUnit(roles);
  const list = units.data ? byName(units.data.values()) : [];
  return (
    <section aria-labelledby="users" class="admin-section">
      <h2 id="users">{title ?? t("admin.users")}</h2>
      <ActionForm
        action={create}
        submit={t("admin.createUser")}
        incomplete={!values.username || !values.password || roles.length === 0}
      >
        <TextField
          id="user-name"
          label={t("signIn.username")}
          autoComplete="off"
          required
          {...bind("username")}
        />
        <TextField
          id="user-password"
          label={t("admin.password")}
          type="text"
          autoComplete="new-password"
          required
          help={t("admin.passwordHelp")}
          {...bind("password")}
        />
        <RoleChoices roles={roles} onRoles={setRoles} />
        <SelectField id="user-unit" label={t("admin.unit")} required={unitRole} {...bind("unitId")}>
          <option value="">{unitRole ? t("admin.chooseUnit") : t("admin.noUnit")}</option>
          {list.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.code})
            </option>
          ))}
        </SelectField>
      </ActionForm>
    </section>
  );
}

type AccountFilters = { q: string; role: string; unitId: string; enabled: string };

/** The accounts: search by name, unit, role and state; each one's roles, unit and scope, edited in a dialog. */
export function UsersScreen() {
  useTitle(ta("accounts"));
  const session = useSession();
  const units = useAsync(() => allUnits(), []);
  const scope = useAsync(() => scopeChoices(), []);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Account | null>(null);
  const { filters, set, apply, list, rows, more } = usePagedList<Account, AccountFilters>(
    paths.users,
    { q: "", role: "", unitId: "", enabled: "" },
    version,
  );
  const unitName = (id?: string) => (id ? (units.data?.get(id)?.name ?? id) : "—");
  const unitList = units.data ? byName(units.data.values()) : [];
  return (
    <>
      <ListHeading title={ta("accounts")} />
      <FilterCard onApply={apply}>
        <TextField
          id="account-search"
          label={ta("search")}
          type="search"
          value={filters.q}
          onValue={set("q")}
        />
        <SelectField id="account-role" label={ta("filterRole")} value={filters.role} onValue={set("role")}>
          <option value="">{ta("any")}</option>
          {ROLE_CHOICES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="account-unit"
          label={ta("filterUnit")}
          value={filters.unitId}
          onValue={set("unitId")}
        >
          <option value="">{ta("any")}</option>
          {unitList.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.code})
            </option>
          ))}
        </SelectField>
        <SelectField
          id="account-state"
          label={ta("filterState")}
          value={filters.enabled}
          onValue={set("enabled")}
        >
          <option value="">{ta("any")}</option>
          <option value="true">{ta("enabled")}</option>
          <option value="false">{ta("disabled")}</option>
        </SelectField>
      </FilterCard>
      <LoadState of={list} />
      {list.data && (
        <>
          <p role="status">{rows.length === 0 ? ta("none") : ta("found", { n: rows.length })}</p>
          {rows.length > 0 && (
            <Scroll label={ta("accounts")}>
              <table>
                <caption class="sr-only">{ta("accounts")}</caption>
                <ColumnHeads
                  columns={[
                    ta("username"),
                    ta("roles"),
                    ta("unit"),
                    ta("state"),
                    ta("created"),
                    ta("actions"),
                  ]}
                />
                <tbody>
                  {rows.map((u) => (
                    <tr key={u.username}>
                      <th scope="row">
                        {u.username} {u.username === session?.username && <span>{ta("self")}</span>}
                      </th>
                      <td>{u.roles.map((r) => t(`role.${r}`)).join(", ")}</td>
                      <td>{unitName(u.unitId)}</td>
                      <td>
                        <span class={`state ${u.enabled ? "account-on" : "account-off"}`}>
                          {u.enabled ? ta("enabled") : ta("disabled")}
                        </span>
                      </td>
                      <td>{u.createdAt ? fmt.dateTime(u.createdAt) : ""}</td>
                      <td>
                        <EditButton name={u.username} onEdit={() => setEditing(u)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
          <MoreButton when={list.data.nextCursor} onMore={more} />
        </>
      )}
      <Users title={ta("newAccount")} onCreated={() => setVersion((v) => v + 1)} />
      {editing && (
        <UserDialog
          account={editing}
          units={unitList}
          scope={scope.data}
          self={editing.username === session?.username}
          onClose={() => setEditing(null)}
          onChanged={(next) => {
            setEditing(next);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}
