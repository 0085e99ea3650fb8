import { t } from "../../i18n/index.ts";
import { Field } from "../../ui/fields.tsx";
import { useAction } from "../useAction.ts";
import { download, IMPORTS, type ImportKind, importFile, templateOf } from "./importing.ts";
import { OutcomeNote, useOutcome } from "./outcome.tsx";

const ACCEPT =
  ".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * A file input that imports what is chosen (JSON or a filled-in Excel template), the button that
 * downloads the template, and what the import came to.
 */
export function ImportFile({
  kind,
  send,
  onImported,
}: {
  kind: ImportKind;
  /** Sends the document to the API; answers the success message. */
  send: (body: unknown) => Promise<string>;
  onImported: () => void;
}) {
  const importing = useOutcome(async (file: File) => {
    const message = await importFile(file, kind, send);
    onImported();
    return message;
  });
  const { id, helpId, label, help, template: templateLabel, templateName } = IMPORTS[kind];
  const template = useAction(async () => download(await templateOf(kind), templateName));
  return (
    <>
      <Field id={id} label={t(label)} help={t(help)} helpId={helpId}>
        <input
          id={id}
          type="file"
          accept={ACCEPT}
          disabled={importing.busy}
          aria-describedby={helpId}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (file) void importing.run(file);
          }}
        />
      </Field>
      <p>
        <button
          type="button"
          class="btn btn-small"
          disabled={template.busy}
          onClick={() => void template.run()}
        >
          {t(templateLabel)}
        </button>
      </p>
      <OutcomeNote
        ok={importing.ok}
        error={importing.error ?? template.error}
        failure={importing.failure ?? template.failure}
      />
    </>
  );
}
