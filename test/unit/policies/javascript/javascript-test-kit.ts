// Test helpers for the Javascript policy: services with a real script pool and a log that tests can read.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createScriptPool } from '../../../../src/scripts/create-script-pool.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import type { CompiledPolicy } from '../../../../src/policies/policy-type.js';
import { javascriptPolicy } from '../../../../src/policies/javascript/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy } from '../policy-test-kit.js';

export interface JavascriptTestServices {
  readonly services: PolicyServices;
  /** Every line logged at debug and above, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export function createJavascriptServices(): JavascriptTestServices {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const scripts = createScriptPool({ logger, hosts: 2, maxHeapMb: 64, killGraceMs: 50 });
  const services = createTestPolicyServices({ logger, scripts });
  return {
    services,
    logs,
    async close() {
      await Promise.all([scripts.close(), services.callouts.close()]);
    },
  };
}

/** Compiles `<Javascript>` with inline code (or with `files` as jsc resources and `xml` naming them). */
export function compileScript(
  services: PolicyServices,
  code: string,
  options: { name?: string; timeLimitMs?: number; properties?: Record<string, string>; files?: Record<string, string>; xml?: string } = {},
): CompiledPolicy {
  const name = options.name ?? 'JS-Test';
  const properties = Object.entries(options.properties ?? {}).map(([key, value]) => `<Property name="${key}">${value}</Property>`).join('');
  const xml = options.xml ?? `<Javascript name="${name}" timeLimit="${options.timeLimitMs ?? 5000}">
      <Properties>${properties}</Properties><Source><![CDATA[${code}]]></Source></Javascript>`;
  const resources = new Map(Object.entries(options.files ?? {}).map(([file, text]) => [`jsc://${file}`, Buffer.from(text)] as const));
  return compilePolicy(javascriptPolicy, xml, { services, resources });
}
