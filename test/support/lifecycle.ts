import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { expect } from "vitest";
import { pathFor } from "../../shared/api/paths.ts";
import { type Api, PASSWORD, paths } from "./local-stack.ts";

/**
 * Helpers of the lifecycle integration tests (the second half of a period's life): the lifecycle
 * routes, polling, the score CLI as a child process, the published files, and the outbox of a stack
 * started in the test's own process (its client and sign-in: test/support/client.ts, sign-in.ts).
 */

export const lifecyclePaths = {
  appraisal: paths.appraisal,
  contest: paths.contest,
  results: paths.results,
  export: (periodId: string) => pathFor("GET /api/periods/{periodId}/export", { periodId }),
};

// The move of a period and polling (test/support/period-move.ts), for the files that read them here.
export { moveTo, type Row, sleep, waitFor } from "./period-move.ts";

export const periodEntity = (periodId: string) => `period#${periodId}`;

/** POST /api/users for a reviewer, with their own unit or a scope (groups, top-level nodes). */
export async function createReviewer(
  admin: Api,
  username: string,
  extra: { unitId?: string; scope?: { groups?: string[]; nodes?: string[] } },
): Promise<void> {
  const reply = await admin.post(paths.users, {
    username,
    password: PASSWORD,
    roles: ["reviewer"],
    ...extra,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

// ---------------------------------------------------------------------------------------------
// Published files and open data.

/** GET a file under /public/ (no token): status, content type and the exact bytes. */
export async function fetchPublic(baseUrl: string, path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", bytes };
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF), after an optional byte order mark. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && body[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The first sheet of a workbook as text cells (empty cells ""), `width` columns per row. */
export async function readXlsx(bytes: Uint8Array, width: number): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's own Buffer type predates @types/node's generic Buffer.
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error("the workbook has no sheet");
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const value = row.getCell(c).value;
      cells.push(value === null || value === undefined ? "" : String(value));
    }
    rows.push(cells);
  });
  return rows;
}

// The score CLI (test/support/score-cli.ts), for the files that read it with the other lifecycle helpers.
export { runScoreCli } from "./score-cli.ts";

// ---------------------------------------------------------------------------------------------
// The outbox of a local stack: one file per reminder sent.

export interface OutboxMessage {
  file: string;
  unitId: string;
  subject: string;
  text: string;
}

export async function readOutbox(dataDir: string): Promise<OutboxMessage[]> {
  const dir = join(dataDir, "outbox");
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    files.sort().map(async (file) => {
      const content = await readFile(join(dir, file), "utf8");
      const blank = content.indexOf("\n\n");
      const head = blank < 0 ? content : content.slice(0, blank);
      const text = blank < 0 ? "" : content.slice(blank + 2);
      const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? "";
      // <ISO time with : and . as ->-<unitId>.txt
      const unitId = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-(.+)\.txt$/.exec(file)?.[1] ?? "";
      return { file, unitId, subject, text };
    }),
  );
}
