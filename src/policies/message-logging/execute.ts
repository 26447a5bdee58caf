// MessageLogging at deploy and per request: renders each message and hands it to a gateway-wide sender; never fails or waits.
import type { DestinationSpec, MessageLogDestination } from '../../message-logging/message-log-destination.js';
import type { MessageLogLease } from '../../message-logging/create-message-log-senders.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { compilePolicyTemplate, type PolicyTemplate } from '../shared/compile-policy-template.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { formatSyslogMessage } from './format-syslog-message.js';
import { parseMessageLogging, type MessageLoggingConfig, type SyslogConfig } from './parse.js';

interface CompiledTarget {
  readonly template: PolicyTemplate;
  readonly destination: MessageLogDestination;
  /** Adds the RFC 5424 header (Syslog FormatMessage). */
  readonly format: boolean;
}

function toSyslogSpec(syslog: SyslogConfig): DestinationSpec {
  if (syslog.protocol === 'UDP') return { kind: 'udp', host: syslog.host, port: syslog.port };
  return { kind: 'tcp', host: syslog.host, port: syslog.port, ...(syslog.tls ? { tls: { rejectUnauthorized: !syslog.tls.ignoreValidationErrors } } : {}) };
}

/**
 * Fire and forget: execute renders the messages (unresolved variables render empty, `private.*` ones included, as
 * in Apigee) and queues them; sockets and files are written off the request path. It never throws, so it cannot
 * fail the request, in any flow including PostClientFlow.
 */
export function compileMessageLogging(config: MessageLoggingConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const { services } = ctx;
  const owner = { policyType: 'MessageLogging', policyName: ctx.policy.name, strict: false };
  const leases: MessageLogLease[] = [];
  const targets: CompiledTarget[] = [];
  try {
    for (const syslog of config.syslog) {
      const lease = services.messageLogging.acquire(toSyslogSpec(syslog));
      leases.push(lease);
      targets.push({ template: compilePolicyTemplate(syslog.message, owner), destination: lease.destination, format: syslog.formatMessage });
    }
    if (config.file) {
      const { rotation } = config.file;
      const lease = services.messageLogging.acquire({
        kind: 'file',
        fileName: config.file.fileName,
        ...(rotation?.maxFileSizeBytes !== undefined
          ? { rotation: { maxBytes: rotation.maxFileSizeBytes, maxFiles: rotation.maxFilesToRetain, rotateOnStartup: rotation.rotateOnStartup } }
          : {}),
      });
      leases.push(lease);
      targets.push({ template: compilePolicyTemplate(config.file.message, owner), destination: lease.destination, format: false });
    }
  } catch (err) {
    for (const lease of leases) lease.release();
    throw err;
  }
  const logger = services.logger;
  return {
    readsContent: targets.some((t) => t.template.variables.some(isContentVariable)),
    execute(flow) {
      for (const target of targets) {
        try {
          const text = target.template.render(flow);
          target.destination.send(target.format ? formatSyslogMessage(text, config.logLevel, flow.init.now()) : text);
        } catch (err) {
          logger.debug({ err, policy: ctx.policy.name }, 'MessageLogging could not render its message');
        }
      }
    },
    close() {
      for (const lease of leases) lease.release();
    },
  };
}

export const messageLoggingPolicy: PolicyType<MessageLoggingConfig> = {
  type: 'MessageLogging',
  parse: parseMessageLogging,
  compile: compileMessageLogging,
};
