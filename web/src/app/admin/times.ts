/** Vietnam is UTC+7 all year: the admin's date-time inputs are in its time. */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** A datetime-local value (Vietnam time) from an ISO instant (the API reads it back as Vietnam time). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  return new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString().slice(0, 16);
}

/** The datetime-local value `days` after `now`. */
export const daysFrom = (now: number, days: number): string =>
  toLocalInput(new Date(now + days * 86_400_000).toISOString());
