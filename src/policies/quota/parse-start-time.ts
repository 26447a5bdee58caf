// Quota `<StartTime>`: Apigee's `yyyy-MM-dd HH:mm:ss` in UTC, with one-digit fields accepted (`2017-7-16 12:00:00`).

/** Epoch ms, or undefined when the text is not a valid date and time in that form. */
export function parseStartTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(time);
  // Date.UTC rolls over (Feb 30 → Mar 2): a valid date reads back unchanged.
  const valid = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && hour < 24 && minute < 60 && second < 60;
  return valid ? time : undefined;
}
