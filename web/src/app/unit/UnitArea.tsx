import { UnitForm } from "./UnitForm.tsx";
import { UnitResults } from "./UnitResults.tsx";

/** The unit's screens (editor and approver): one chunk. */
export default function UnitArea({ screen, periodId }: { screen: "form" | "results"; periodId: string }) {
  return screen === "form" ? <UnitForm periodId={periodId} /> : <UnitResults periodId={periodId} />;
}
