// RFC 5424 framing of a MessageLogging Syslog message when FormatMessage is true, in the shape Apigee sends.
import { hostname } from 'node:os';
import type { MessageLogLevel } from './parse.js';

// RFC 5424 §6.2.1: facility 1 (user-level messages); severities of Apigee's logLevel values.
const FACILITY_USER = 1;
const SEVERITY: Record<MessageLogLevel, number> = { ALERT: 1, ERROR: 3, WARN: 4, INFO: 6 };
// Kept for compatibility: log pipelines built for Apigee match its APP-NAME.
const APP_NAME = 'Apigee-Edge';

/** RFC 5424 §6.2.4 HOSTNAME: printable US-ASCII without spaces, at most 255; `-` when unknown. */
export function toSyslogHostname(name: string): string {
  const cleaned = name.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return cleaned === '' ? '-' : cleaned;
}

const HOSTNAME = toSyslogHostname(hostname());

/** RFC 5424 §6.2.3 TIMESTAMP in UTC with milliseconds and a numeric offset (`2016-02-23T09:24:39.039+00:00`). */
function toTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+00:00');
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`, with no process id, message id or
 * structured data (`- - -`), as Apigee writes it: `<14>1 2016-02-23T09:24:39.039+0000 <host> Apigee-Edge - - - text`.
 */
export function formatSyslogMessage(message: string, level: MessageLogLevel, epochMs: number, host: string = HOSTNAME): string {
  const priority = FACILITY_USER * 8 + SEVERITY[level];
  return `<${priority}>1 ${toTimestamp(epochMs)} ${host} ${APP_NAME} - - - ${message}`;
}
