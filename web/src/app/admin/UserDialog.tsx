import { useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { SelectField, TextField } from "../../ui/fields.tsx";
import { patch, paths, put } from "../api.ts";
import type { Unit } from "../types.ts";
import { Dialog, DialogFooter } from "../ui.tsx";
import type { Account, ScopeChoices } from "./accounts-api.ts";
import { ta } from "./messages-accounts.ts";
import { OutcomeNote, useOutcome } from "./outcome.tsx";
import { needsUnit, RoleChoices } from "./Users.tsx";

/** A step that asks first: its consequence in words, and what runs when confirmed. */
interface Pending {
  text: string;
  label: string;
  run: () => Promise<string>;
}

/**
 * One account: roles, unit and (for a reviewer) the groups and top-level indicators they appraise;
 * disable or enable it; set a new password. Every step that changes who may do what says so first.
 */
export function UserDialog({
  account,
  units,
  scope,
  self,
  onClose,
  onChanged,
}: {
  account: Account;
  units: Unit[];
  scope: ScopeChoices | undefined;
  self: boolean;
  onClose: () => void;
  onChanged: (account: Account) => void;
}) {
  const name = account.username;
  const [roles, setRoles] = useState<string[]>(account.roles);
  const [unitId, setUnitId] = useState(account.unitId ?? "");
  const [groups, setGroups] = useState<string[]>(account.scope?.groups ?? []);
  const [nodes, setNodes] = useState<string[]>(account.scope?.nodes ?? []);
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState<Pending | null>(null);
  const reviewer = roles.includes("reviewer");
  const unitRole = needsUnit(roles);
  const action = useOutcome(async (step: Pending) => {
    const text = await step.run();
    setPending(null);
    return text;
  });
  const send = async (body: Record<string, unknown>) => {
    const next = await patch<Account>(paths.user(name), body);
    onChanged(next);
    return next;
  };
  const save = () => {
    const body = {
      roles,
      unitId: unitId || null,
      scope:
        reviewer && (groups.length || nodes.length)
          ? { ...(groups.length ? { groups } : {}), ...(nodes.length ? { nodes } : {}) }
          : null,
    };
    const run = async () => {
      await send(body);
      return ta("saved", { username: name });
    };
    const changedRoles = [...roles].sort().join() !== [...account.roles].sort().join();
    if (!changedRoles) return void action.run({ text: "", label: "", run });
    setPending({
      text: ta("confirmRoles", {
        username: name,
        roles: roles.map((r) => t(`role.${r}` as "role.admin")).join(", "),
      }),
      label: t("common.save"),
      run,
    });
  };
  const toggle = (list: string[], set: (v: string[]) => void, value: string, on: boolean) =>
    set(on ? [...list, value] : list.filter((x) => x !== value));
  return (
    <Dialog open title={ta("editTitle", { username: name })} onClose={onClose}>
      <div class="account-dialog">
        <RoleChoices roles={roles} onRoles={setRoles} lockAdmin={self} />
        <SelectField id="account-edit-unit" label={t("admin.unit")} value={unitId} onValue={setUnitId}>
          <option value="">{unitRole ? t("admin.chooseUnit") : t("admin.noUnit")}</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.code})
            </option>
          ))}
        </SelectField>
        {reviewer && scope && (
          <>
            <p class="muted">
              {ta("scopeFrom", { period: scope.source })} {ta("scopeHelp")}
            </p>
            <fieldset>
              <legend>{ta("scopeGroups")}</legend>
              {scope.groups.map((g) => (
                <label key={g.id} class="choice">
                  <input
                    type="checkbox"
                    checked={groups.includes(g.id)}
                    onChange={(e) => toggle(groups, setGroups, g.id, e.currentTarget.checked)}
                  />
                  {g.name}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{ta("scopeNodes")}</legend>
              {scope.nodes.map((n) => (
                <label key={n.code} class="choice">
                  <input
                    type="checkbox"
                    checked={nodes.includes(n.code)}
                    onChange={(e) => toggle(nodes, setNodes, n.code, e.currentTarget.checked)}
                  />
                  {n.code}. {n.name}
                </label>
              ))}
            </fieldset>
          </>
        )}
        {!self && (
          <div class="dialog-actions">
            <button
              type="button"
              class="btn"
              onClick={() =>
                setPending({
                  text: ta(account.enabled ? "confirmDisable" : "confirmEnable", { username: name }),
                  label: ta(account.enabled ? "disable" : "enable"),
                  run: async () => {
                    await send({ enabled: !account.enabled });
                    return ta(account.enabled ? "disabledDone" : "enabledDone", { username: name });
                  },
                })
              }
            >
              {ta(account.enabled ? "disable" : "enable")}
            </button>
          </div>
        )}
        <form
          class="account-password"
          onSubmit={(e) => {
            e.preventDefault();
            setPending({
              text: ta("confirmReset", { username: name }),
              label: ta("resetPassword"),
              run: async () => {
                await put(paths.password(name), { password });
                setPassword("");
                return ta("resetDone", { username: name });
              },
            });
          }}
        >
          <TextField
            id="account-new-password"
            label={ta("newPassword")}
            type="text"
            autoComplete="new-password"
            help={t("admin.passwordHelp")}
            value={password}
            onValue={setPassword}
          />
          <div>
            <button type="submit" class="btn" disabled={!password}>
              {ta("resetPassword")}
            </button>
          </div>
        </form>
        {pending && (
          <div class="notice notice-warn" role="alertdialog" aria-labelledby="account-confirm-text">
            <p id="account-confirm-text">{pending.text}</p>
            <DialogFooter
              label={pending.label}
              onConfirm={() => void action.run(pending)}
              onCancel={() => setPending(null)}
              busy={action.busy}
            />
          </div>
        )}
        <OutcomeNote ok={action.ok} error={action.error} failure={action.failure} />
        {/* Save applies the roles, unit and scope above; the password and the state have their own. */}
        <DialogFooter
          label={t("common.save")}
          onConfirm={save}
          onCancel={onClose}
          cancelLabel={t("common.back")}
          busy={action.busy}
          disabled={roles.length === 0 || (unitRole && !unitId)}
        />
      </div>
    </Dialog>
  );
}
