// The benchmark knobs read from environment variables (STYLE §12), validated and bounded so a run stays finite.

/**
 * @typedef {object} Knobs
 * @property {number} connections  concurrent keep-alive connections of the load generator
 * @property {number} durationS    measured seconds per scenario
 * @property {number} pipelining   requests in flight per connection
 * @property {number} warmupS      unmeasured seconds before each scenario's measurement (0: none)
 */

// Upper bounds keep a mistyped knob from turning a benchmark into an hour-long run or a socket exhaustion.
const specs = /** @type {const} */ ([
  { env: 'CONNECTIONS', key: 'connections', fallback: 50, min: 1, max: 1000 },
  { env: 'DURATION', key: 'durationS', fallback: 10, min: 1, max: 300 },
  { env: 'PIPELINING', key: 'pipelining', fallback: 1, min: 1, max: 100 },
  { env: 'WARMUP', key: 'warmupS', fallback: 2, min: 0, max: 60 },
]);

/**
 * Reads every knob, reporting all invalid ones at once.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Readonly<Knobs>}
 */
export function parseKnobs(env) {
  /** @type {Record<string, number>} */
  const knobs = {};
  const problems = [];
  for (const spec of specs) {
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') {
      knobs[spec.key] = spec.fallback;
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
      problems.push(`${spec.env}: expected an integer ${spec.min}-${spec.max}, got ${JSON.stringify(raw)}`);
      continue;
    }
    knobs[spec.key] = value;
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return Object.freeze(/** @type {Knobs} */ (/** @type {unknown} */ (knobs)));
}
