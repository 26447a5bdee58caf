// ExpirySettings compiled once at deploy: per request, a ref that resolves wins over the literal, else the cache's default.
import type { VariableReader } from '../../engine/variable-reader.js';
import { toTemplateText } from '../../engine/template/template-function.js';
import { toExpiryDateMs, toTimeOfDaySeconds, type ExpirySettingsConfig, type RefOrLiteral } from './parse-cache-settings.js';

/** Epoch ms at which an entry written at `nowMs` expires. */
export type CompiledExpiry = (vars: VariableReader, nowMs: number) => number;

const DAY_MS = 24 * 60 * 60 * 1000;

function readRef<T>(setting: RefOrLiteral<T>, vars: VariableReader, parse: (text: string) => T | undefined): T | undefined {
  if (setting.ref !== undefined) {
    const text = toTemplateText(vars.getVariable(setting.ref));
    const value = text === undefined ? undefined : parse(text.trim());
    if (value !== undefined) return value;
  }
  return setting.value;
}

function parseSeconds(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds >= 1 ? seconds : undefined;
}

/** `defaultSeconds`: the cache resource's expiry, used when nothing is set or nothing resolves. */
export function compileExpiry(expiry: ExpirySettingsConfig, defaultSeconds: number): CompiledExpiry {
  const { timeoutInSec, expiryDate, timeOfDay } = expiry;
  if (timeoutInSec) {
    return (vars, nowMs) => nowMs + (readRef(timeoutInSec, vars, parseSeconds) ?? defaultSeconds) * 1000;
  }
  if (expiryDate) {
    return (vars, nowMs) => {
      const date = readRef(expiryDate, vars, (text) => (toExpiryDateMs(text) === undefined ? undefined : text));
      return date === undefined ? nowMs + defaultSeconds * 1000 : toExpiryDateMs(date)!;
    };
  }
  if (timeOfDay) {
    return (vars, nowMs) => {
      const time = readRef(timeOfDay, vars, (text) => (toTimeOfDaySeconds(text) === undefined ? undefined : text));
      if (time === undefined) return nowMs + defaultSeconds * 1000;
      const today = nowMs - (nowMs % DAY_MS) + toTimeOfDaySeconds(time)! * 1000;
      return today > nowMs ? today : today + DAY_MS;
    };
  }
  return (_vars, nowMs) => nowMs + defaultSeconds * 1000;
}
