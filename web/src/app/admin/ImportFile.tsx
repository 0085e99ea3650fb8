import type { ComponentChildren } from "preact";
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
  const { id, helpId, label, help, template, templateName } = IMPORTS[kind];
  return (
    <FileImport
      id={id}
      label={t(label)}
      help={t(help)}
      helpId={helpId}
      accept={ACCEPT}
      run={(file) => importFile(file, kind, send)}
      onImported={onImported}
      templateLabel={t(template)}
      template={async () => download(await templateOf(kind), templateName)}
    />
  );
}

/** The file input, the template's button and the outcome, shared by every admin import. */
export function FileImport({
  id,
  label,
  help,
  helpId,
  accept,
  run,
  onImported,
  templateLabel,
  template,
}: {
  id: string;
  label: ComponentChildren;
  help?: ComponentChildren;
  helpId?: string;
  accept: string;
  /** Imports the chosen file; answers the success message. */
  run: (file: File) => Promise<string>;
  onImported: () => void;
  templateLabel: ComponentChildren;
  /** Offers the template for download. */
  template: () => Promise<void>;
}) {
  const importing = useOutcome(async (file: File) => {
    const message = await run(file);
    onImported();
    return message;
  });
  const downloading = useAction(template);
  return (
    <>
      <Field id={id} label={label} help={help} helpId={helpId}>
        <input
          id={id}
          type="file"
          accept={accept}
          disabled={importing.busy}
          aria-describedby={help === undefined ? undefined : helpId}
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
          disabled={downloading.busy}
          onClick={() => void downloading.run()}
        >
          {templateLabel}
        </button>
      </p>
      <OutcomeNote
        ok={importing.ok}
        error={importing.error ?? downloading.error}
        failure={importing.failure ?? downloading.failure}
      />
    </>
  );
}
