// `crypto.dateFormat` in the script host: Java SimpleDateFormat patterns in a named time zone. Runs in the host process from its source text: it must reference nothing outside itself.

/**
 * Formats `epochMs` with a SimpleDateFormat pattern. Letters (Java meaning, English names): G · y/Y year
 * (yy two digits) · M/L month (MMM, MMMM names) · d · D day of year · E weekday (EEEE full) · u weekday number ·
 * a · H · k · K · h · m · s · S · z zone · Z ±hhmm · X ISO offset. Quoted text is literal. The zone is an IANA
 * name, `UTC`/`GMT`, `GMT±hh:mm`, or a common abbreviation (PST, EST, CST, MST, IST…); an unknown zone is GMT,
 * as in Java. An unsupported letter throws RangeError.
 */
export function formatJavaDate(pattern: string, timeZone: string, epochMs: number): string {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const aliases: Record<string, string> = {
    PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles', MST: 'America/Denver', MDT: 'America/Denver',
    CST: 'America/Chicago', CDT: 'America/Chicago', EST: 'America/New_York', EDT: 'America/New_York',
    IST: 'Asia/Kolkata', JST: 'Asia/Tokyo', CET: 'Europe/Paris', BST: 'Europe/London', AEST: 'Australia/Sydney',
  };
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');

  let offsetMinutes = 0;
  let zoneLabel = 'GMT';
  const fixed = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(timeZone.trim());
  if (fixed) {
    offsetMinutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  } else {
    const zone = Object.hasOwn(aliases, timeZone.toUpperCase()) ? aliases[timeZone.toUpperCase()]! : timeZone.trim();
    let format: Intl.DateTimeFormat | undefined;
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      format = undefined;
    }
    if (format) {
      const parts: Record<string, number> = {};
      for (const part of format.formatToParts(epochMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
      const wallMs = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
      offsetMinutes = Math.round((wallMs - Math.floor(epochMs / 1000) * 1000) / 60_000);
      zoneLabel = /^(UTC|GMT)$/i.test(zone) ? zone.toUpperCase() : Object.hasOwn(aliases, timeZone.toUpperCase()) ? timeZone.toUpperCase() : '';
    }
  }
  const date = new Date(epochMs + offsetMinutes * 60_000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const hours = date.getUTCHours();
  const offset = (separator: string, withMinutes: boolean): string => {
    const absolute = Math.abs(offsetMinutes);
    const text = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60), 2)}`;
    return withMinutes ? `${text}${separator}${pad(absolute % 60, 2)}` : text;
  };
  const field = (letter: string, count: number): string => {
    switch (letter) {
      case 'G': return year > 0 ? 'AD' : 'BC';
      case 'y':
      case 'Y': return count === 2 ? pad(year % 100, 2) : pad(year, count);
      case 'M':
      case 'L': return count >= 4 ? months[month]! : count === 3 ? months[month]!.slice(0, 3) : pad(month + 1, count);
      case 'd': return pad(day, count);
      case 'D': return pad(Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1, count);
      case 'E': return count >= 4 ? weekdays[date.getUTCDay()]! : weekdays[date.getUTCDay()]!.slice(0, 3);
      case 'u': return pad(date.getUTCDay() === 0 ? 7 : date.getUTCDay(), count);
      case 'a': return hours < 12 ? 'AM' : 'PM';
      case 'H': return pad(hours, count);
      case 'k': return pad(hours === 0 ? 24 : hours, count);
      case 'K': return pad(hours % 12, count);
      case 'h': return pad(hours % 12 === 0 ? 12 : hours % 12, count);
      case 'm': return pad(date.getUTCMinutes(), count);
      case 's': return pad(date.getUTCSeconds(), count);
      case 'S': return pad(date.getUTCMilliseconds(), count);
      case 'z': return zoneLabel !== '' ? zoneLabel : `GMT${offset(':', true)}`;
      case 'Z': return offset('', true);
      case 'X': return offsetMinutes === 0 ? 'Z' : offset(count === 3 ? ':' : '', count > 1);
    }
    throw new RangeError(`unsupported letter "${letter.repeat(count)}" in date pattern "${pattern}"`);
  };

  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new RangeError(`unclosed quote in date pattern "${pattern}"`);
      out += pattern.slice(i + 1, end);
      i = end + 1;
    } else if (/[A-Za-z]/.test(char)) {
      let count = 1;
      while (pattern[i + count] === char) count++;
      out += field(char, count);
      i += count;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}
