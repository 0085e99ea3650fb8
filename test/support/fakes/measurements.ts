import { conflict } from "../../../shared/errors.ts";
import type { StoredMeasurement, StoredSource } from "../../../shared/model/measurement.ts";
import type {
  AuditEntry,
  MeasurementPut,
  MeasurementStore,
  SourceStore,
} from "../../../shared/services/ports.ts";
import type { MemoryAudit } from "./catalog.ts";
import type { MemorySubmissions } from "./submissions.ts";

/** Data sources in memory, with the adapter's refusals. */
export class MemorySources implements SourceStore {
  readonly stored = new Map<string, StoredSource>();

  constructor(private readonly audit: MemoryAudit) {}

  async create(source: StoredSource, audit: AuditEntry): Promise<void> {
    if (this.stored.has(source.id))
      throw conflict("source-exists", `a data source with id "${source.id}" exists (ids are never reused)`);
    this.stored.set(source.id, structuredClone(source));
    this.audit.add(audit);
  }

  async get(id: string): Promise<StoredSource | undefined> {
    const found = this.stored.get(id);
    return found ? structuredClone(found) : undefined;
  }

  async all(): Promise<StoredSource[]> {
    return [...this.stored.values()].map((s) => structuredClone(s));
  }

  async revoke(id: string, at: string, by: string, audit: AuditEntry): Promise<boolean> {
    const found = this.stored.get(id);
    if (!found || found.revokedAt) return false;
    Object.assign(found, { revokedAt: at, revokedBy: by });
    this.audit.add(audit);
    return true;
  }
}

/** Measured values in the fake submission partitions, as the adapter keeps them (sk M#{code}). */
export class MemoryMeasurements implements MeasurementStore {
  /** A test may run code between the read and the writes of a push (a race with a newer push). */
  beforePut?: () => Promise<void>;

  constructor(private readonly submissions: MemorySubmissions) {}

  async getMany(
    periodId: string,
    wanted: readonly { unitId: string; code: string }[],
  ): Promise<Map<string, StoredMeasurement>> {
    const found = new Map<string, StoredMeasurement>();
    for (const { unitId, code } of wanted) {
      const value = this.submissions.partition(periodId, unitId).measured?.get(code);
      if (value) found.set(`${unitId}#${code}`, structuredClone(value));
    }
    return found;
  }

  async putMany(puts: readonly MeasurementPut[]): Promise<boolean[]> {
    await this.beforePut?.();
    return puts.map(({ periodId, unitId, measurement }) => {
      const part = this.submissions.partition(periodId, unitId);
      part.measured ??= new Map();
      const before = part.measured.get(measurement.code);
      if (before && Date.parse(before.asOf) > Date.parse(measurement.asOf)) return false;
      part.measured.set(measurement.code, structuredClone(measurement));
      return true;
    });
  }
}
