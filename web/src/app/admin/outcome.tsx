import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { ErrorDetail } from "../api.ts";
import { Details } from "../ui.tsx";
import { type Action, detailsOf, useAction } from "../useAction.ts";

/** A failure that lists its problems (an import's, by sheet, row and column). */
export class ProblemsError extends Error {
  constructor(
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
  }
}

/** The problems of a failed action: an import's, the API's, or none. */
export const problemsOf = (failure: unknown): ErrorDetail[] =>
  failure instanceof ProblemsError ? failure.details : detailsOf(failure);

/** `useAction` for an admin form whose action ends with a message saying what it did. */
export function useOutcome<A extends unknown[]>(
  action: (...args: A) => Promise<string>,
): Action<A> & { ok: string | undefined } {
  const [ok, setOk] = useState<string>();
  const run = useAction(async (...args: A) => {
    setOk(undefined);
    setOk(await action(...args));
  });
  return { ...run, ok };
}

/** What an action came to: its message (a status), or its error with every problem (an alert). */
export function OutcomeNote({
  ok,
  error,
  failure,
}: {
  ok?: string | undefined;
  error?: string | null;
  failure?: unknown;
}) {
  return (
    <>
      {ok && (
        <p class="notice notice-ok" role="status">
          {ok}
        </p>
      )}
      {error && (
        <div class="notice notice-error" role="alert">
          <p>{error}</p>
          <Details details={problemsOf(failure)} />
        </div>
      )}
    </>
  );
}

/**
 * An admin form: its fields, the submit button that runs `action` (disabled while it runs or while
 * the form is `incomplete`), and what the action came to.
 */
export function ActionForm({
  action,
  submit,
  incomplete = false,
  children,
}: {
  action: Action<[]> & { ok?: string | undefined };
  submit: string;
  incomplete?: boolean;
  children: ComponentChildren;
}) {
  return (
    <>
      <form
        class="card grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        {children}
        <div>
          <button type="submit" class="btn btn-primary" disabled={action.busy || incomplete}>
            {submit}
          </button>
        </div>
      </form>
      <OutcomeNote ok={action.ok} error={action.error} failure={action.failure} />
    </>
  );
}
