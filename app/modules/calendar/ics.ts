/**
 * iCalendar (RFC 5545) writing: times in UTC ("Z"), text escaped, lines folded at 75 octets without
 * splitting a UTF-8 character, CRLF line ends. Enough for calendar programs to subscribe to a feed.
 */
export type CalendarEvent = {
  uid: string;
  /** Raised each time the event moves, so subscribers replace their copy. */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  /** When this version of the event was made. */
  stamp: Date;
  status?: "CONFIRMED" | "CANCELLED";
};

export type Calendar = { name: string; description?: string; events: CalendarEvent[] };

export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

export function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();

/** Splits a content line into pieces of at most 75 octets; continuation lines start with a space. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const pieces: string[] = [];
  let current = "";
  let currentBytes = 0;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    // The first line holds 75 octets; continuation lines 74 after their leading space.
    const limit = pieces.length === 0 ? 75 : 74;
    if (currentBytes + bytes > limit) {
      pieces.push(current);
      current = "";
      currentBytes = 0;
    }
    current += char;
    currentBytes += bytes;
  }
  pieces.push(current);
  return pieces.join("\r\n ");
}

function property(name: string, value: string): string {
  return foldLine(`${name}:${value}`);
}

export function buildCalendar(calendar: Calendar): string {
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Startup Academy//Cohort sessions//VI",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    property("X-WR-CALNAME", escapeText(calendar.name)),
    "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
  ];
  if (calendar.description) lines.push(property("X-WR-CALDESC", escapeText(calendar.description)));
  for (const event of calendar.events) {
    lines.push("BEGIN:VEVENT");
    lines.push(property("UID", event.uid));
    lines.push(`SEQUENCE:${event.sequence}`);
    lines.push(`DTSTAMP:${formatUtc(event.stamp)}`);
    lines.push(`DTSTART:${formatUtc(event.start)}`);
    lines.push(`DTEND:${formatUtc(event.end)}`);
    lines.push(property("SUMMARY", escapeText(event.summary)));
    if (event.description) lines.push(property("DESCRIPTION", escapeText(event.description)));
    if (event.location) lines.push(property("LOCATION", escapeText(event.location)));
    if (event.url) lines.push(property("URL", event.url));
    lines.push(`STATUS:${event.status ?? "CONFIRMED"}`);
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return `${lines.join("\r\n")}\r\n`;
}
