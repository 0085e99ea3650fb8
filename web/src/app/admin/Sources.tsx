import { useState } from "preact/hooks";
import { pathFor } from "../../../../shared/api/paths.ts";
import type { SourceView } from "../../../../shared/model/measurement.ts";
import { fmt, messagesFor } from "../../i18n/index.ts";
import { LoadState, Scroll, useTitle } from "../../ui/common.tsx";
import { TextField, useFields } from "../../ui/fields.tsx";
import { del, post } from "../api.ts";
import { ColumnHeads } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { ListHeading, MoreButton, usePagedList } from "./ListScreen.tsx";
import { ta } from "./messages-accounts.ts";
import { ActionForm, OutcomeNote } from "./outcome.tsx";
import "./accounts.css";

/** The organiser's data sources: register (the secret shown once), list, revoke. */

const ts = messagesFor(
  {
    title: "Nguồn dữ liệu",
    intro:
      "Hệ thống khác (dịch vụ công trực tuyến, quản lý văn bản, nền tảng chia sẻ dữ liệu) gửi số liệu của các chỉ số đo tự động qua khóa bí mật của mình.",
    id: "Mã nguồn",
    name: "Tên nguồn",
    register: "Đăng ký nguồn",
    secretOnce: "Khóa bí mật của nguồn (chỉ hiện một lần này; hãy lưu lại ngay):",
    copy: "Sao chép",
    copied: "Đã sao chép",
    created: "Ngày đăng ký",
    state: "Trạng thái",
    active: "Đang dùng",
    revoked: "Đã thu hồi {date}",
    revoke: "Thu hồi",
    confirmRevoke: "Thu hồi nguồn {id}? Mọi lần gửi số liệu sau đó sẽ bị từ chối.",
    none: "Chưa có nguồn dữ liệu nào.",
  },
  {
    title: "Data sources",
    intro:
      "Other systems (online public services, the document system, the data-sharing platform) push the values of measured indicators with their own secret.",
    id: "Source id",
    name: "Source name",
    register: "Register source",
    secretOnce: "The source's secret (shown this once only; keep it now):",
    copy: "Copy",
    copied: "Copied",
    created: "Registered",
    state: "State",
    active: "Active",
    revoked: "Revoked {date}",
    revoke: "Revoke",
    confirmRevoke: "Revoke source {id}? Every later push from it will be refused.",
    none: "No data source yet.",
  },
);

const LIST = pathFor("GET /api/sources");

export function SourcesScreen() {
  useTitle(ts("title"));
  // A new version (after a register or a revoke) reloads the list from its first page.
  const [version, setVersion] = useState(0);
  const { list, rows, more } = usePagedList<SourceView, Record<string, string>>(LIST, {}, version);
  const { values, setValues, bind } = useFields({ id: "", name: "" });
  const [secret, setSecret] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);

  const register = useAction(async () => {
    const created = await post<{ secret: string }>(pathFor("POST /api/sources"), values);
    setSecret(created.secret);
    setCopied(false);
    setValues({ id: "", name: "" });
    setVersion((v) => v + 1);
  });
  const revoke = useAction(async (sourceId: string) => {
    if (!confirm(ts("confirmRevoke", { id: sourceId }))) return;
    await del(pathFor("DELETE /api/sources/{sourceId}", { sourceId }));
    setVersion((v) => v + 1);
  });

  return (
    <>
      <ListHeading title={ts("title")} />
      <p class="muted">{ts("intro")}</p>
      <ActionForm action={register} submit={ts("register")} incomplete={!values.id || !values.name}>
        <TextField
          id="source-id"
          label={ts("id")}
          required
          pattern="[a-z0-9][a-z0-9-]*"
          maxLength={64}
          {...bind("id")}
        />
        <TextField id="source-name" label={ts("name")} required maxLength={500} {...bind("name")} />
      </ActionForm>
      {secret && (
        <div class="card" role="status">
          <p>{ts("secretOnce")}</p>
          <p>
            <code class="secret">{secret}</code>{" "}
            <button
              type="button"
              class="btn btn-small"
              onClick={async () => {
                await navigator.clipboard?.writeText(secret);
                setCopied(true);
              }}
            >
              {copied ? ts("copied") : ts("copy")}
            </button>
          </p>
        </div>
      )}
      <OutcomeNote error={revoke.error} failure={revoke.failure} />
      <LoadState of={list} />
      {list.data && rows.length === 0 && <p>{ts("none")}</p>}
      {rows.length > 0 && (
        <Scroll label={ts("title")}>
          <table>
            <caption class="sr-only">{ts("title")}</caption>
            <ColumnHeads columns={[ts("id"), ts("name"), ts("created"), ts("state"), ta("actions")]} />
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>{s.id}</td>
                  <td>{s.name}</td>
                  <td>{fmt.dateTime(s.createdAt)}</td>
                  <td>{s.revokedAt ? ts("revoked", { date: fmt.dateTime(s.revokedAt) }) : ts("active")}</td>
                  <td>
                    {!s.revokedAt && (
                      <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        disabled={revoke.busy}
                        onClick={() => revoke.run(s.id)}
                      >
                        {ts("revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <MoreButton when={list.data?.nextCursor} onMore={more} />
    </>
  );
}
