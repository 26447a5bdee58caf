// MessageLogging at import: XML → MessageLoggingConfig (Syslog over UDP/TCP/TLS, File), every problem named by element.
import { isIP } from 'node:net';
import { attr, childElement, childElements, type XmlElement } from '../../bundle/xml-element.js';
import { isPlainFileName } from '../../message-logging/create-message-log-senders.js';
import type { PolicyParseContext } from '../policy-type.js';
import { checkTemplate } from '../shared/compile-policy-template.js';
import { COMMON_POLICY_CHILDREN, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export type MessageLogLevel = 'INFO' | 'ALERT' | 'WARN' | 'ERROR';

export interface SyslogConfig {
  /** Message template. */
  readonly message: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'UDP' | 'TCP';
  /** RFC 5424 header before the message (Apigee's format). */
  readonly formatMessage: boolean;
  /** TLS over TCP (RFC 5425). */
  readonly tls?: { readonly ignoreValidationErrors: boolean };
}

export interface FileLogConfig {
  readonly message: string;
  readonly fileName: string;
  readonly rotation?: { readonly maxFileSizeBytes?: number; readonly maxFilesToRetain: number; readonly rotateOnStartup: boolean };
}

export interface MessageLoggingConfig {
  readonly syslog: readonly SyslogConfig[];
  readonly file?: FileLogConfig;
  readonly logLevel: MessageLogLevel;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Syslog', 'File', 'logLevel', 'CloudLogging']);
// DateFormat (Apigee X) is accepted; the RFC 5424 timestamp has one format.
const SYSLOG_CHILDREN = new Set(['Message', 'Host', 'Port', 'Protocol', 'FormatMessage', 'SSLInfo', 'DateFormat']);
const FILE_CHILDREN = new Set(['Message', 'FileName', 'FileRotationOptions']);
const ROTATION_CHILDREN = new Set(['FileRotationType', 'MaxFileSizeInMB', 'MaxFilesToRetain', 'RotationFrequency']);
const SSL_CHILDREN = new Set(['Enabled', 'IgnoreValidationErrors', 'ClientAuthEnabled', 'KeyStore', 'KeyAlias', 'TrustStore', 'Ciphers', 'Protocols', 'CommonName']);
const LEVELS: readonly MessageLogLevel[] = ['INFO', 'ALERT', 'WARN', 'ERROR'];
const HOST_LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*$`);
const DEFAULT_SYSLOG_PORT = 514;
const DEFAULT_FILES_TO_RETAIN = 8;

export function parseMessageLogging(el: XmlElement, ctx: PolicyParseContext): MessageLoggingConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  if (childElement(el, 'CloudLogging')) report('<CloudLogging> (Apigee X Cloud Logging) is not supported; use <Syslog> or <File>');
  const syslog = childElements(el, 'Syslog').map((s) => parseSyslog(s, report));
  const files = childElements(el, 'File');
  if (files.length > 1) report(`<File> appears ${files.length} times; expected at most once`);
  const file = files[0] && parseFile(files[0], report);
  if (syslog.length === 0 && !file && !childElement(el, 'CloudLogging')) report('needs a <Syslog> or a <File>');
  return { syslog, ...(file ? { file } : {}), logLevel: parseLogLevel(el, report) };
}

function parseLogLevel(el: XmlElement, report: PolicyReport): MessageLogLevel {
  const text = childElement(el, 'logLevel')?.text.trim();
  if (text === undefined || text === '') return 'INFO';
  const level = LEVELS.find((l) => l === text.toUpperCase());
  if (!level) report(`<logLevel> must be one of ${LEVELS.join(', ')}, got "${text}"`);
  return level ?? 'INFO';
}

function parseMessage(el: XmlElement, report: PolicyReport): string {
  const message = childElement(el, 'Message');
  if (!message) {
    report(`<${el.name}> needs a <Message>`);
    return '';
  }
  checkTemplate(message.text, `<${el.name}><Message>`, report);
  return message.text;
}

function parseSyslog(el: XmlElement, report: PolicyReport): SyslogConfig {
  reportUnknownChildren(el, SYSLOG_CHILDREN, report);
  const host = childElement(el, 'Host')?.text.trim() ?? '';
  if (host === '') report('<Syslog> needs a <Host>');
  else if (isIP(host) === 0 && (host.length > 253 || !HOST_NAME.test(host))) report(`<Syslog><Host> must be a host name or IP address, got "${host}"`);
  const portText = childElement(el, 'Port')?.text.trim();
  let port = DEFAULT_SYSLOG_PORT;
  if (portText !== undefined && portText !== '') {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) report(`<Syslog><Port> must be an integer 1-65535, got "${portText}"`);
  }
  const protocolText = (childElement(el, 'Protocol')?.text.trim() ?? 'UDP').toUpperCase();
  if (protocolText !== 'UDP' && protocolText !== 'TCP') report(`<Syslog><Protocol> must be UDP or TCP, got "${protocolText}"`);
  const protocol = protocolText === 'TCP' ? 'TCP' : 'UDP';
  const tls = parseSslInfo(childElement(el, 'SSLInfo'), report);
  if (tls && protocol !== 'TCP') report('<Syslog><SSLInfo> needs <Protocol>TCP</Protocol>');
  return {
    message: parseMessage(el, report),
    host,
    port: Number.isInteger(port) ? port : DEFAULT_SYSLOG_PORT,
    protocol,
    formatMessage: parseBooleanText(childElement(el, 'FormatMessage')?.text, false, '<Syslog><FormatMessage>', report),
    ...(tls && protocol === 'TCP' ? { tls } : {}),
  };
}

function parseSslInfo(el: XmlElement | undefined, report: PolicyReport): SyslogConfig['tls'] {
  if (!el) return undefined;
  reportUnknownChildren(el, SSL_CHILDREN, report);
  const flag = (name: string): boolean => parseBooleanText(childElement(el, name)?.text, false, `<SSLInfo><${name}>`, report);
  if (flag('ClientAuthEnabled')) report('<SSLInfo><ClientAuthEnabled> (mutual TLS) is not supported');
  for (const name of ['KeyStore', 'KeyAlias', 'TrustStore', 'Ciphers', 'Protocols', 'CommonName']) {
    if (childElement(el, name)) report(`<SSLInfo><${name}> is not supported; the server is verified against the system's trusted CAs`);
  }
  if (!flag('Enabled')) return undefined;
  return { ignoreValidationErrors: flag('IgnoreValidationErrors') };
}

function parseFile(el: XmlElement, report: PolicyReport): FileLogConfig {
  reportUnknownChildren(el, FILE_CHILDREN, report);
  const fileName = childElement(el, 'FileName')?.text.trim() ?? '';
  if (fileName === '') report('<File> needs a <FileName>');
  else if (!isPlainFileName(fileName)) report(`<File><FileName> must be a plain file name (it is written in the gateway's message log directory), got "${fileName}"`);
  const options = childElement(el, 'FileRotationOptions');
  return { message: parseMessage(el, report), fileName, ...(options ? { rotation: parseRotation(options, report) } : {}) };
}

function parseRotation(el: XmlElement, report: PolicyReport): NonNullable<FileLogConfig['rotation']> {
  reportUnknownChildren(el, ROTATION_CHILDREN, report);
  const type = (childElement(el, 'FileRotationType')?.text.trim() ?? 'SIZE').toUpperCase();
  if (type !== 'SIZE' && type !== 'TIME' && type !== 'TIME_SIZE') report(`<FileRotationType> must be SIZE, TIME or TIME_SIZE, got "${type}"`);
  const count = (name: string): number | undefined => {
    const text = childElement(el, name)?.text.trim();
    if (text === undefined || text === '') return undefined;
    if (!/^\d{1,6}$/.test(text) || Number(text) < 1) {
      report(`<${name}> must be a positive integer, got "${text}"`);
      return undefined;
    }
    return Number(text);
  };
  const maxFileSizeMb = count('MaxFileSizeInMB');
  if (type !== 'TIME' && maxFileSizeMb === undefined && childElement(el, 'MaxFileSizeInMB') === undefined) report(`<FileRotationType>${type}</FileRotationType> needs <MaxFileSizeInMB>`);
  return {
    ...(maxFileSizeMb !== undefined && type !== 'TIME' ? { maxFileSizeBytes: maxFileSizeMb * 1024 * 1024 } : {}),
    maxFilesToRetain: count('MaxFilesToRetain') ?? DEFAULT_FILES_TO_RETAIN,
    rotateOnStartup: parseBooleanText(attr(el, 'rotateFileOnStartup'), false, '<FileRotationOptions rotateFileOnStartup>', report),
  };
}
