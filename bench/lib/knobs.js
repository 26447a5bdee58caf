// The benchmark knobs read from environment variables (STYLE §12), validated and bounded so a run stays finite.

/**
 * @typedef {object} Knobs
 * @property {number} connections  concurrent keep-alive connections of the load generator
 * @property {number} durationS    measured seconds per scenario
 * @property {number} pipelining   requests in flight per connection
 * @property {number} warmupS      unmeasured seconds before each scenario's measurement (0: none)
 */

/**
 * One knob: an integer, or with `list: true` a comma-separated list of integers, each within min-max.
 * @typedef {{ env: string, key: string, fallback: number, min: number, max: number }
 *   | { env: string, key: string, fallback: readonly number[], min: number, max: number, list: true }} KnobSpec
 */

// Upper bounds keep a mistyped knob from turning a benchmark into an hour-long run or a socket exhaustion.
/** @type {readonly KnobSpec[]} the knobs every load benchmark shares */
export const loadKnobSpecs = /** @type {const} */ ([
  { env: 'CONNECTIONS', key: 'connections', fallback: 50, min: 1, max: 1000 },
  { env: 'DURATION', key: 'durationS', fallback: 10, min: 1, max: 300 },
  { env: 'PIPELINING', key: 'pipelining', fallback: 1, min: 1, max: 100 },
  { env: 'WARMUP', key: 'warmupS', fallback: 2, min: 0, max: 60 },
]);

/**
 * @param {string} raw
 * @param {number} min
 * @param {number} max
 * @returns {number | undefined} undefined when not an integer within min-max
 */
function toBoundedInteger(raw, min, max) {
  const value = Number(raw);
  return raw.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/**
 * Reads the given knobs, reporting every invalid one at once.
 * @param {NodeJS.ProcessEnv} env
 * @param {readonly KnobSpec[]} specs
 * @returns {Readonly<Record<string, number | readonly number[]>>}
 */
export function parseKnobSpecs(env, specs) {
  /** @type {Record<string, number | readonly number[]>} */
  const knobs = {};
  const problems = [];
  for (const spec of specs) {
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') {
      knobs[spec.key] = spec.fallback;
      continue;
    }
    if ('list' in spec) {
      const values = raw.split(',').map((part) => toBoundedInteger(part, spec.min, spec.max));
      if (values.every((v) => v !== undefined)) knobs[spec.key] = Object.freeze(/** @type {number[]} */ (values));
      else problems.push(`${spec.env}: expected comma-separated integers ${spec.min}-${spec.max}, got ${JSON.stringify(raw)}`);
      continue;
    }
    const value = toBoundedInteger(raw, spec.min, spec.max);
    if (value === undefined) problems.push(`${spec.env}: expected an integer ${spec.min}-${spec.max}, got ${JSON.stringify(raw)}`);
    else knobs[spec.key] = value;
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return Object.freeze(knobs);
}

/**
 * Reads the shared load knobs, reporting all invalid ones at once.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Readonly<Knobs>}
 */
export function parseKnobs(env) {
  return /** @type {Readonly<Knobs>} */ (/** @type {unknown} */ (parseKnobSpecs(env, loadKnobSpecs)));
}
