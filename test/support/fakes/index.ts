import type { Ports } from "../../../shared/services/context.ts";
import { MemoryAudit, MemoryFrameworks, MemoryUnits } from "./catalog.ts";
import { MemoryMeasurements, MemorySources } from "./measurements.ts";
import { MemoryEvidenceFiles, MemoryPublishedFiles, MemoryUserDirectory, Recorders } from "./outside.ts";
import { MemoryPeriods } from "./periods.ts";
import { MemoryAppraisals, MemorySubmissions } from "./submissions.ts";

export { MemoryAudit, MemoryFrameworks, MemoryUnits } from "./catalog.ts";
export { MemoryMeasurements, MemorySources } from "./measurements.ts";
export { MemoryEvidenceFiles, MemoryPublishedFiles, MemoryUserDirectory, Recorders } from "./outside.ts";
export { MemoryPeriods } from "./periods.ts";
export { MemoryAppraisals, MemorySubmissions } from "./submissions.ts";

/** Ports on in-memory fakes, each part kept by its own type so a test can look inside. */
export interface MemoryPorts extends Ports {
  frameworks: MemoryFrameworks;
  units: MemoryUnits;
  periods: MemoryPeriods;
  submissions: MemorySubmissions;
  appraisals: MemoryAppraisals;
  audit: MemoryAudit;
  sources: MemorySources;
  measurements: MemoryMeasurements;
  evidenceFiles: MemoryEvidenceFiles;
  users: MemoryUserDirectory;
  published: MemoryPublishedFiles;
  scheduler: Recorders;
  jobs: Recorders;
  mailer: Recorders;
}

export function memoryPorts(settings: Partial<Ports["settings"]> = {}): MemoryPorts {
  const audit = new MemoryAudit();
  const periods = new MemoryPeriods(audit);
  const submissions = new MemorySubmissions(audit, periods);
  const recorders = new Recorders();
  return {
    frameworks: new MemoryFrameworks(audit),
    units: new MemoryUnits(audit),
    periods,
    submissions,
    appraisals: new MemoryAppraisals(audit, periods, submissions),
    audit,
    sources: new MemorySources(audit),
    measurements: new MemoryMeasurements(submissions),
    evidenceFiles: new MemoryEvidenceFiles(),
    users: new MemoryUserDirectory(),
    published: new MemoryPublishedFiles(),
    scheduler: recorders,
    jobs: recorders,
    mailer: recorders,
    settings: { maxEvidenceBytes: 1024 * 1024, reminderDays: [3, 1], ...settings },
  };
}
