// Composition root of `baton serve`: create the gateway, say where everything listens, drain on SIGTERM/SIGINT.
import type { BatonConfig } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { STOP_SIGNALS, createLogger, dieOnStopSignals } from './logger.js';

/** The lines a person reads at start-up: every listener, and how to try a sample. */
export function toStartupSummary(gateway: Gateway): string {
  const lines = ['Baton is running.', `  admin API          ${gateway.adminUrl}  (health: ${gateway.adminUrl}/healthz)`];
  for (const l of gateway.listeners) lines.push(`  ${`${l.organization}/${l.environment} ${l.virtualHost}`.padEnd(18)} ${l.url}`);
  if (gateway.workers) lines.push(`  data plane         ${gateway.workers.pids().length} worker processes (pids ${gateway.workers.pids().join(', ')})`);
  for (const t of gateway.demoTargets) lines.push(`  demo target        ${t.name} on port ${t.port}`);
  if (gateway.selfSignedCertificate) lines.push(`  self-signed certificate: ${gateway.selfSignedCertificate} (curl -k, or --cacert it)`);
  if (gateway.generatedAdminPassword) {
    lines.push('', `Administrator ${gateway.config.admin.user}: generated password ${gateway.generatedAdminPassword}`,
      '  (shown this once and stored only as a hash; set BATON_ADMIN_PASSWORD to choose your own)');
  }
  const first = gateway.listeners.find((l) => l.url.startsWith('http:'));
  if (first) lines.push('', `Try: curl ${first.url}/hello/json`);
  if (first && gateway.sampleApiKey) {
    lines.push(`     curl -H 'x-apikey: ${gateway.sampleApiKey}' ${first.url}/keyed/json   (the sample app's key; GET …/developers/newcomer@example.com/apps/sample-app shows it again)`);
  }
  return lines.join('\n');
}

export interface ServeOptions {
  /** Data-plane processes; 1 (the default) runs everything in this process, exactly as without the flag. */
  readonly workers: number;
}

export async function runServe(config: BatonConfig, options: ServeOptions = { workers: 1 }): Promise<void> {
  const logger = createLogger({ level: config.logging.level });
  let gateway: Gateway;
  try {
    // One worker is no cluster at all: the data plane stays in this process.
    gateway = await createGateway(config, { logger, ...(options.workers > 1 ? { workers: { count: options.workers } } : {}) });
  } catch (err) {
    logger.fatal({ err }, 'Baton could not start');
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${toStartupSummary(gateway)}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    // A second signal ends the process at once, as it did before any handler, but writes the batched log lines first.
    dieOnStopSignals(logger);
    logger.info({ signal, graceMs: config.timeouts.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
    gateway.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.once(signal, stop);
}
