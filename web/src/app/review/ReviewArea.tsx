import type { Location } from "../../router.ts";
import { Appraise } from "./Appraise.tsx";
import { Contests } from "./Contests.tsx";
import { ReviewList } from "./ReviewList.tsx";

/** The reviewer's screens (also read by admins): one chunk. */
export default function ReviewArea({
  screen,
  periodId,
  unitId,
  location,
}: {
  screen: "list" | "unit" | "contests";
  periodId: string;
  unitId?: string;
  location: Location;
}) {
  if (screen === "unit" && unitId)
    return <Appraise key={unitId} periodId={periodId} unitId={unitId} query={location.query} />;
  if (screen === "contests") return <Contests periodId={periodId} />;
  return <ReviewList periodId={periodId} location={location} />;
}
