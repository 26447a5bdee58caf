// SpikeArrest at import: XML → SpikeArrestConfig (compat §8); an invalid Rate is reported as Apigee's "Invalid spike arrest rate".
import type { XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';
import { parseIdentifierRef, parseMessageWeight, parseWholeNumber, refAttr, singleChild, type RefOrValue } from '../shared/rate-limit-xml.js';

export interface SpikeArrestRate {
  /** Messages per period (`30` of `30ps`). */
  readonly count: number;
  /** 1 000 for `ps`, 60 000 for `pm`. */
  readonly periodMs: number;
  /** As written, for the violation message. */
  readonly text: string;
}

export interface SpikeArrestConfig {
  /** `<Rate ref="…">30ps</Rate>`: the variable wins when it holds a valid rate, the literal is the fallback. */
  readonly rate: RefOrValue<SpikeArrestRate>;
  readonly identifierRef?: string;
  readonly messageWeight?: RefOrValue<number>;
  /** true: up to the rate in any period, no smoothing; false (Apigee's default): one message per rate interval. */
  readonly useEffectiveCount: boolean;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Rate', 'Identifier', 'MessageWeight', 'UseEffectiveCount']);

/** `<int>ps` or `<int>pm` with a rate of at least 1 (Apigee's InvalidAllowedRate otherwise). */
export function parseSpikeArrestRate(text: string): SpikeArrestRate | undefined {
  const match = /^(\d+)(ps|pm)$/.exec(text.trim());
  const count = match?.[1] === undefined ? undefined : parseWholeNumber(match[1]);
  if (!match || count === undefined || count < 1) return undefined;
  return { count, periodMs: match[2] === 'ps' ? 1_000 : 60_000, text: text.trim() };
}

export function parseSpikeArrest(el: XmlElement, ctx: PolicyParseContext): SpikeArrestConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const rateElement = singleChild(el, 'Rate', report);
  let rate: RefOrValue<SpikeArrestRate> = {};
  if (!rateElement) report('<Rate> is required: <int>ps or <int>pm, or ref naming a variable that holds one');
  else {
    const ref = refAttr(rateElement);
    const text = rateElement.text.trim();
    const value = text === '' ? undefined : parseSpikeArrestRate(text);
    if (text !== '' && value === undefined) report(`<Rate>: Invalid spike arrest rate ${text}. Expected <int>ps or <int>pm with an integer of at least 1`);
    if (text === '' && ref === undefined) report('<Rate> is empty: give <int>ps or <int>pm, or a ref attribute');
    rate = { ref, value };
  }
  return {
    rate,
    identifierRef: parseIdentifierRef(el, report),
    messageWeight: parseMessageWeight(el, report),
    useEffectiveCount: parseBooleanChild(el, 'UseEffectiveCount', false, report),
  };
}
