import { previewSubmission } from "../engine/preview.ts";
import type { Period } from "../model/period.ts";
import { mapLimit } from "../store/batches.ts";
import type { Ports, RequestContext } from "./context.ts";
import { submissionFacts, wasSubmitted } from "./period-scoring.ts";

const DAY = 86_400_000;

/**
 * Deadline reminders: `days` before a period's deadline (default 3 and 1), every unit that
 * has not submitted is told what is still missing. Each (period, days, unit) is claimed with a
 * conditional write before sending, so a reminder goes at most once even when the job runs often
 * or twice at a time; a send that fails gives its claim back for the next run.
 */
export async function sendReminders(ports: Ports, ctx: RequestContext): Promise<{ sent: number }> {
  let sent = 0;
  let cursor: string | undefined;
  do {
    const page = await ports.periods.list({ limit: 100, cursor }, "open");
    for (const period of page.items) sent += await remindPeriod(ports, ctx, period);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { sent };
}

async function remindPeriod(ports: Ports, ctx: RequestContext, period: Period): Promise<number> {
  const deadline = Date.parse(period.closesAt);
  const now = ctx.now.getTime();
  const due = ports.settings.reminderDays.filter((days) => now >= deadline - days * DAY && now < deadline);
  if (due.length === 0) return 0;
  const days = Math.min(...due); // the nearest reminder due; earlier ones that were missed are not sent late
  const framework = await ports.frameworks.get(period.frameworkId);
  if (!framework) return 0;
  const members = await ports.periods.members(period.id);
  const units = await ports.units.getMany([...members.keys()]);
  let sent = 0;
  await mapLimit([...members], 8, async ([unitId, groupId]) => {
    const stored = await ports.submissions.load(period.id, unitId, groupId);
    if (wasSubmitted(stored)) return;
    if (!(await ports.periods.claimReminder(period.id, days, unitId, ctx.now.toISOString()))) return;
    const preview = previewSubmission(framework, groupId, submissionFacts(stored));
    const unanswered = Object.entries(preview.leaves)
      .filter(([, l]) => l.flags.includes("unanswered"))
      .map(([c]) => c);
    const noEvidence = Object.entries(preview.leaves)
      .filter(([, l]) => l.flags.includes("missing-evidence"))
      .map(([c]) => c);
    const unit = units.get(unitId);
    const text = [
      `Kính gửi ${unit?.name ?? unitId},`,
      `Kỳ đánh giá "${period.name}" hết hạn tự đánh giá lúc ${period.closesAt.replace("T", " ").slice(0, 16)} (giờ Việt Nam), còn ${days} ngày.`,
      "Đơn vị chưa gửi kết quả tự đánh giá.",
      unanswered.length
        ? `Chỉ số chưa trả lời (${unanswered.length}): ${unanswered.join(", ")}.`
        : "Đã trả lời đủ các chỉ số.",
      noEvidence.length
        ? `Chỉ số thiếu tài liệu kiểm chứng (${noEvidence.length}): ${noEvidence.join(", ")}.`
        : "",
      `Điểm tự đánh giá hiện tại: ${preview.points.toFixed(2)}.`,
    ].filter(Boolean);
    try {
      await ports.mailer.send({
        to: unit?.email ? [unit.email] : [],
        unitId,
        subject: `[chiso] Còn ${days} ngày: ${period.name}`,
        text: `${text.join("\n")}\n`,
      });
      sent++;
    } catch (error) {
      await ports.periods.releaseReminder(period.id, days, unitId);
      throw error;
    }
  });
  return sent;
}
