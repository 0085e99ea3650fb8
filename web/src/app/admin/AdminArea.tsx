import type { Location } from "../../router.ts";
import { AdminHome } from "./AdminHome.tsx";
import { AdminPeriod } from "./AdminPeriod.tsx";

/** The organiser's screens: one chunk. */
export default function AdminArea({
  screen,
  periodId,
}: {
  screen: "home" | "period";
  periodId?: string;
  location: Location;
}) {
  if (screen === "period" && periodId) return <AdminPeriod periodId={periodId} />;
  return <AdminHome />;
}
