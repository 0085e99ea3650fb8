import { importFramework } from "../../../shared/services/frameworks.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { createSource } from "../../../shared/services/sources.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { measuredFrameworkBody } from "../measured.ts";
import { memoryPorts } from "./index.ts";
import { at, by, DAY } from "./world.ts";

/**
 * The measured framework "fw-m" (1.3 and 1.5 by vbdh, 2.2 by dvc), departments S1 and S2 in the open
 * period "ky", S3 outside it, and the source vbdh registered (its secret returned once).
 */
export async function measuredPeriod() {
  const ports = memoryPorts();
  await importFramework(ports, by.admin(), measuredFrameworkBody("fw-m"));
  await upsertUnits(ports, by.admin(), {
    units: [
      { id: "so-1", code: "S1", name: "Sở 1", kind: "department" },
      { id: "so-2", code: "S2", name: "Sở 2", kind: "department" },
      { id: "so-3", code: "S3", name: "Sở 3", kind: "department" },
    ],
  });
  await createPeriod(ports, by.admin(), {
    id: "ky",
    name: "Kỳ thử",
    frameworkId: "fw-m",
    unitIds: ["so-1", "so-2"],
    opensAt: at(-10 * DAY).toISOString(),
    closesAt: at(2 * DAY).toISOString(),
  });
  await transitionPeriod(ports, by.admin(at(-DAY)), "ky", { to: "open" });
  const vbdh = await createSource(ports, by.admin(), { id: "vbdh", name: "Hệ thống quản lý văn bản" });
  return { ports, vbdh };
}
