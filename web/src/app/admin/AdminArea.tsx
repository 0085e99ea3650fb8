import type { Location } from "../../router.ts";
import { AdminHome } from "./AdminHome.tsx";
import { AdminPeriod } from "./AdminPeriod.tsx";
import { AuditScreen } from "./Audit.tsx";
import { SourcesScreen } from "./Sources.tsx";
import { UnitsScreen } from "./Units.tsx";
import { UsersScreen } from "./Users.tsx";

export type AdminScreen = "home" | "period" | "users" | "units" | "audit" | "sources";

/** The organiser's screens: one chunk. */
export default function AdminArea({
  screen,
  periodId,
}: {
  screen: AdminScreen;
  periodId?: string;
  location: Location;
}) {
  if (screen === "period" && periodId) return <AdminPeriod periodId={periodId} />;
  if (screen === "users") return <UsersScreen />;
  if (screen === "units") return <UnitsScreen />;
  if (screen === "audit") return <AuditScreen />;
  if (screen === "sources") return <SourcesScreen />;
  return <AdminHome />;
}
