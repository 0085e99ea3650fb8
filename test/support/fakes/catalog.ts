import { isDeepStrictEqual } from "node:util";
import type { Framework } from "../../../shared/model/framework.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import {
  type AuditEntry,
  type AuditLog,
  type AuditRecord,
  type FrameworkStore,
  type FrameworkSummary,
  type Page,
  type PageRequest,
  storeRefusals,
  type UnitStore,
  type UpsertCounts,
} from "../../../shared/services/ports.ts";
import { pageOf } from "./paging.ts";

/** The audit log in memory: every record any fake store writes lands here, in order. */
export class MemoryAudit implements AuditLog {
  readonly records: AuditRecord[] = [];

  async append(entry: AuditEntry, seq = 0): Promise<void> {
    this.add(entry, seq);
  }

  /** A record written as part of a store's own write (all or nothing with it). */
  add(entry: AuditEntry, seq = 0): void {
    const order = String(entry.seq ?? seq).padStart(4, "0");
    this.records.push(structuredClone({ ...entry, at: `${entry.time}#${entry.requestId}#${order}` }));
  }

  async list(
    query: { entity?: string | undefined; day?: string | undefined },
    page: PageRequest,
  ): Promise<Page<AuditRecord>> {
    const day = query.day ?? new Date().toISOString().slice(0, 10);
    const rows = this.records.filter((r) =>
      query.entity !== undefined ? r.entity === query.entity : r.time.slice(0, 10) === day,
    );
    // Newest first: the key sorts backwards.
    return pageOf(rows, (r) => invert(`${r.at}#${r.entity}`), page);
  }

  /** The actions recorded for one entity, oldest first (what tests look at). */
  actions(entity: string): string[] {
    return this.records.filter((r) => r.entity === entity).map((r) => r.action);
  }
}

const invert = (key: string) => [...key].map((c) => String.fromCharCode(0xffff - c.charCodeAt(0))).join("");

export class MemoryFrameworks implements FrameworkStore {
  private readonly stored = new Map<string, { framework: Framework; summary: FrameworkSummary }>();

  constructor(private readonly audit: MemoryAudit) {}

  async create(framework: Framework, createdAt: string, audit: AuditEntry): Promise<void> {
    if (this.stored.has(framework.id)) throw storeRefusals.frameworkExists(framework.id);
    const { id, name, decision } = framework;
    const summary = { id, name, ...(decision ? { decision } : {}), createdAt };
    this.stored.set(id, { framework: structuredClone(framework), summary });
    this.audit.add(audit);
  }

  async get(id: string): Promise<Framework | undefined> {
    const found = this.stored.get(id);
    return found ? structuredClone(found.framework) : undefined;
  }

  async list(page: PageRequest): Promise<Page<FrameworkSummary>> {
    return pageOf(
      [...this.stored.values()].map((f) => f.summary),
      (f) => f.id,
      page,
    );
  }
}

export class MemoryUnits implements UnitStore {
  readonly stored = new Map<string, Unit>();

  constructor(private readonly audit: MemoryAudit) {}

  async upsert(
    units: readonly Unit[],
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<UpsertCounts> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    units.forEach((unit, i) => {
      const before = this.stored.get(unit.id);
      if (isDeepStrictEqual(before, unit)) {
        counts.unchanged++;
        return;
      }
      before ? counts.updated++ : counts.created++;
      this.stored.set(unit.id, structuredClone(unit));
      const action = before ? "unit.update" : "unit.create";
      this.audit.add({ ...audit, entity: `unit#${unit.id}`, action, before, after: unit }, i);
    });
    return counts;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Unit>> {
    const found = new Map<string, Unit>();
    for (const id of ids) {
      const unit = this.stored.get(id);
      if (unit) found.set(id, structuredClone(unit));
    }
    return found;
  }

  async list(page: PageRequest): Promise<Page<Unit>> {
    return pageOf(this.stored.values(), (u) => u.id, page);
  }

  async all(): Promise<Unit[]> {
    return structuredClone([...this.stored.values()]);
  }
}
