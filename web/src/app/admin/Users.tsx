import { useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { useAsync } from "../../ui/common.tsx";
import { SelectField, TextField, useFields } from "../../ui/fields.tsx";
import { paths, post } from "../api.ts";
import { allUnits } from "../context.ts";
import type { Unit } from "../types.ts";
import { ActionForm, useOutcome } from "./outcome.tsx";

export const ROLE_CHOICES = ["unit-editor", "unit-approver", "reviewer", "admin"] as const;

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
export function Users() {
  const units = useAsync(() => allUnits(), []);
  const { values, setValues, bind } = useFields({ username: "", password: "", unitId: "" });
  const [roles, setRoles] = useState<string[]>(["unit-editor"]);
  const create = useOutcome(async () => {
    const body = userBody({ ...values, roles });
    await post(paths.users, body);
    setValues((current) => ({ ...current, username: "", password: "" }));
    return t("admin.userCreated", { username: body.username });
  });
  const unitRole = needsUnit(roles);
  const list = units.data ? byName(units.data.values()) : [];
  return (
    <section aria-labelledby="users" class="admin-section">
      <h2 id="users">{t("admin.users")}</h2>
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
