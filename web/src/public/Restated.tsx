import { fmt, messagesFor, t } from "../i18n/index.ts";
import { type Async, LoadState, Scroll } from "../ui/common.tsx";
import type { RestatedSnapshot, Restatement } from "./data.ts";

/** The period's ranking as published, or one of its restatements (`chosen`: its asOf, "" for none). */
export function ViewChoice(props: {
  restatements: Restatement[];
  chosen: string;
  published: number;
  choose: (asOf: string) => void;
}) {
  return (
    <fieldset class="view-choice">
      <legend>{tr("legend")}</legend>
      {[undefined, ...props.restatements].map((r) => (
        <label key={r?.asOf ?? ""}>
          <input
            type="radio"
            name="ranking-view"
            checked={(r?.asOf ?? "") === props.chosen}
            onChange={() => props.choose(r?.asOf ?? "")}
          />{" "}
          {r
            ? tr("restated", { date: r.asOf.split("-").reverse().join("/"), n: r.units })
            : tr("published", { n: props.published })}
        </label>
      ))}
    </fieldset>
  );
}

/** A restated ranking; its table words are the main dictionary's (a lazy chunk of its own weighed more). */
const tr = messagesFor(
  {
    how: "Mỗi đơn vị lấy trung bình cộng điểm, chỉ số đã công bố của các đơn vị hợp thành rồi xếp hạng lại; không chấm lại.",
    of: "gồm: {names}",
    legend: "Xem",
    published: "Xếp hạng đã công bố ({n} đơn vị)",
    restated: "Tính lại theo đơn vị hành chính từ {date} ({n} đơn vị)",
  },
  {
    how: "Each unit takes the mean of the published points and index of the units it was formed from, ranked again; nothing is rescored.",
    of: "formed from: {names}",
    legend: "Show",
    published: "The ranking as published ({n} units)",
    restated: "Restated on the administrative units from {date} ({n} units)",
  },
);

/** One group of a restated ranking; the page loads the file (its tabs count its units). */
export default function Restated({
  file,
  groupId,
}: {
  file: Async<RestatedSnapshot | undefined>;
  groupId: string;
}) {
  const group = file.data?.groups.find((g) => g.id === groupId);
  if (!group) return <LoadState of={file} />;
  return (
    <section>
      <p class="muted">{tr("how")}</p>
      <Scroll label={t("rankings.tableLabel", { group: group.name })}>
        <table class="ranking">
          <thead>
            <tr>
              <th class="num">{t("rankings.rank")}</th>
              <th>{t("rankings.unit")}</th>
              <th class="num">{t("rankings.points")}</th>
              <th class="num">{t("rankings.index")}</th>
            </tr>
          </thead>
          <tbody>
            {group.units.map((u) => (
              <tr key={u.unitId}>
                <td class="num">{u.rank}</td>
                <td>
                  {u.name}
                  {(u.predecessors.length > 1 || u.predecessors[0]?.unitId !== u.unitId) && (
                    <small class="muted">
                      <br />
                      {tr("of", { names: u.predecessors.map((p) => p.name).join(", ") })}
                    </small>
                  )}
                </td>
                <td class="num">{fmt.points(u.points)}</td>
                <td class="num">{fmt.index(u.index)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}
