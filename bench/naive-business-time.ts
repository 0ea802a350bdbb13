import { defaultBusinessHours } from '../shared/domain/business-time.ts';
import { formatLocalDate, wallClockAt } from '../shared/domain/local-date.ts';

/**
 * The obvious way to add business time: step a minute at a time and count the minutes that fall in
 * office hours. Slow on purpose; the benchmark's baseline and the tests' independent oracle.
 */
export function naiveAddBusinessMinutes(start: Date, minutes: number): Date {
  const config = defaultBusinessHours();
  const inHours = (t: number) => {
    const w = wallClockAt(t, config.timeZone);
    const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
    const minute = w.hour * 60 + w.minute;
    return (
      config.workdays.includes(weekday) &&
      !config.holidays.isHoliday(formatLocalDate(w.year, w.month, w.day)) &&
      minute >= config.opensAtMinute &&
      minute < config.closesAtMinute
    );
  };
  let t = start.getTime();
  let left = minutes;
  while (left > 0) {
    if (inHours(t)) left--;
    t += 60_000;
  }
  return new Date(t);
}
