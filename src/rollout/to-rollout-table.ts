// The rollout report as a human-readable table: phases as columns, then the deploy, the new revision and the verdict.
import type { ListedDeployment } from './parse-deployment-listing.js';
import { rolloutPhases } from './rollout-timeline.js';
import type { PhaseReport, RolloutReport } from './to-rollout-report.js';

const labelWidth = 18;
const columnWidth = 12;

const row = (label: string, cells: readonly string[]): string =>
  `  ${label.slice(0, labelWidth).padEnd(labelWidth)}${cells.map((c) => c.padStart(columnWidth)).join('')}\n`;

const phaseRow = (report: RolloutReport, label: string, cell: (phase: PhaseReport) => string): string =>
  row(label, rolloutPhases.map((p) => cell(report.phases[p])));

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(3));

function toDeploymentText(d: ListedDeployment): string {
  return `revision ${d.revision}${d.basePath === undefined ? '' : ` at ${d.basePath}`}${d.draining ? ' (draining)' : ''}`;
}

function toTransportErrorCodes(report: RolloutReport): string {
  const codes = new Map<string, number>();
  for (const p of rolloutPhases) for (const [code, n] of Object.entries(report.phases[p].errorCodes)) codes.set(code, (codes.get(code) ?? 0) + n);
  return [...codes].map(([code, n]) => `${code} ${n}`).join(', ');
}

export function toRolloutTable(report: RolloutReport): string {
  const { subject } = report;
  const rate = subject.overallRate === undefined ? 'unthrottled' : `${subject.overallRate} req/s`;
  const basePath = subject.basePath === undefined ? '' : `, basepath ${subject.basePath}`;
  let out = `baton rollout: revision ${subject.revision} of ${subject.api} in ${subject.organization}/${subject.environment} ` +
    `(${subject.mode}, delay ${subject.delaySeconds} s${basePath})\n` +
    `  load ${subject.method} ${subject.target} (${subject.connections} connections, ${rate})\n\n`;

  out += row('', [...rolloutPhases]);
  out += phaseRow(report, 'duration s', (p) => (p.durationMs / 1000).toFixed(2));
  out += phaseRow(report, 'requests', (p) => String(p.requests));
  out += phaseRow(report, 'req/s', (p) => String(p.requestsPerSecond));
  for (const statusClass of ['2xx', '3xx', '4xx', '5xx'] as const) out += phaseRow(report, statusClass, (p) => String(p.statusClasses[statusClass]));
  if (rolloutPhases.some((p) => report.phases[p].statusClasses.other > 0)) out += phaseRow(report, 'other status', (p) => String(p.statusClasses.other));
  out += phaseRow(report, 'resets', (p) => String(p.transportErrors.reset));
  out += phaseRow(report, 'timeouts', (p) => String(p.transportErrors.timeout));
  out += phaseRow(report, 'other errors', (p) => String(p.transportErrors.other));
  out += phaseRow(report, 'p50 ms', (p) => ms(p.latencyMs?.p50));
  out += phaseRow(report, 'p99 ms', (p) => ms(p.latencyMs?.p99));
  out += phaseRow(report, 'max ms', (p) => ms(p.latencyMs?.max));
  const labels = [...new Set(rolloutPhases.flatMap((p) => Object.keys(report.phases[p].revisions)))].sort();
  for (const label of labels) out += phaseRow(report, `rev ${label}`, (p) => String(p.revisions[label] ?? 0));
  const codes = toTransportErrorCodes(report);
  if (codes !== '') out += `  transport errors by code: ${codes}\n`;
  out += '\n';

  for (const call of report.deploy.calls) {
    const outcome = call.status === undefined ? `no answer (${call.error ?? 'error'})` : String(call.status);
    out += `deploy        ${call.method} ${call.path} → ${outcome} in ${call.durationMs.toFixed(1)} ms\n`;
  }
  if (!report.deploy.ok) out += `              ${report.deploy.message ?? 'failed'}\n`;
  const first = report.newRevision;
  const firstText = first.firstResponseMs === null ? 'not seen' : `first response ${first.firstResponseMs.toFixed(1)} ms after the deploy call`;
  out += `new revision  ${firstText}${first.note === undefined ? '' : ` (${first.note})`}\n`;
  const { deployments } = report;
  if (deployments.checked) {
    const listed = deployments.deployed.length === 0 ? 'nothing deployed' : deployments.deployed.map(toDeploymentText).join(', ');
    const leftovers = deployments.leftovers.length === 0 ? 'no leftover' : `leftover: ${deployments.leftovers.map(toDeploymentText).join(', ')}`;
    out += `deployments   ${subject.environment}: ${listed}; ${leftovers}\n`;
  } else if (deployments.error !== undefined) {
    out += `deployments   not checked: ${deployments.error}\n`;
  }
  for (const warning of [...report.deploy.warnings, ...deployments.warnings]) out += `gateway says  ${warning}\n`;
  out += report.exitCode === 0 ? 'result        OK\n' : `result        FAILED\n${report.failures.map((f) => `  - ${f}\n`).join('')}`;
  return out;
}
