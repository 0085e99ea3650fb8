import { useState } from "preact/hooks";
import { pathFor } from "../../../../shared/api/paths.ts";
import { fmt, messagesFor } from "../../i18n/index.ts";
import { LoadState, useAsync, useTitle } from "../../ui/common.tsx";
import { del, errorText, get, post } from "../api.ts";
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

interface SourceRow {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

const LIST = pathFor("GET /api/sources");

export function SourcesScreen() {
  useTitle(ts("title"));
  const list = useAsync(() => get<{ items: SourceRow[] }>(LIST), []);
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const register = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await post<{ secret: string }>(pathFor("POST /api/sources"), { id, name });
      setSecret(created.secret);
      setCopied(false);
      setId("");
      setName("");
      list.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const revoke = async (sourceId: string) => {
    if (!confirm(ts("confirmRevoke", { id: sourceId }))) return;
    try {
      await del(pathFor("DELETE /api/sources/{sourceId}", { sourceId }));
      list.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <main class="admin-sources">
      <h1>{ts("title")}</h1>
      <p class="muted">{ts("intro")}</p>
      <form class="card" onSubmit={register}>
        <div class="field">
          <label for="source-id">{ts("id")}</label>
          <input
            id="source-id"
            value={id}
            required
            pattern="[a-z0-9][a-z0-9-]*"
            maxLength={64}
            onInput={(e) => setId(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="source-name">{ts("name")}</label>
          <input
            id="source-name"
            value={name}
            required
            maxLength={500}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="btn">
          {ts("register")}
        </button>
        {error && (
          <p class="input-error" role="alert">
            {error}
          </p>
        )}
      </form>
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
      <LoadState of={list} />
      {list.data && list.data.items.length === 0 && <p>{ts("none")}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{ts("id")}</th>
              <th scope="col">{ts("name")}</th>
              <th scope="col">{ts("created")}</th>
              <th scope="col">{ts("state")}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td>
                <td>{s.name}</td>
                <td>{fmt.dateTime(s.createdAt)}</td>
                <td>{s.revokedAt ? ts("revoked", { date: fmt.dateTime(s.revokedAt) }) : ts("active")}</td>
                <td>
                  {!s.revokedAt && (
                    <button type="button" class="btn btn-small btn-quiet" onClick={() => revoke(s.id)}>
                      {ts("revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
