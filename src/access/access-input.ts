// Validation of management input for users, roles and tokens: values arrive from JSON bodies, so nothing is trusted.
import { AdminError } from '../errors.js';
import { permissions, type Permission } from './principal.js';

const emailPattern = /^[^\s@]+@[^\s@]+$/;
const maxEmailLength = 254;
const maxPersonNameLength = 256;
const minPasswordLength = 8;
/** Bounds the work of one scrypt input and keeps Basic credentials well inside the 8 KB header limit. */
const maxPasswordLength = 1024;
/** Role and token names; the same alphabet as every other Baton name, with a length bound. */
const accessNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

export function assertEmail(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length > maxEmailLength || !emailPattern.test(value)) {
    throw invalid('emailId: expected an email address');
  }
}

/** An optional first or last name: '' when absent. */
export function toPersonName(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > maxPersonNameLength || /\p{Cc}/u.test(value)) {
    throw invalid(`${field}: expected text of at most ${maxPersonNameLength} characters`);
  }
  return value;
}

/** Messages never include the value. */
export function assertNewPassword(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length < minPasswordLength || value.length > maxPasswordLength) {
    throw invalid(`password: expected ${minPasswordLength}-${maxPasswordLength} characters`);
  }
}

export function assertAccessName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !accessNamePattern.test(value)) throw invalid(`${field}: expected 1-64 letters, digits, '.', '_' or '-'`);
}

export function assertPermission(value: unknown): asserts value is Permission {
  if (typeof value !== 'string' || !(permissions as readonly string[]).includes(value)) {
    throw invalid(`permission: expected one of ${permissions.join(', ')}`);
  }
}

/** expiresInDays: an integer 1-3650, 90 when absent. */
export function toExpiresInDays(value: unknown): number {
  if (value === undefined) return 90;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3650) throw invalid('expiresInDays: expected an integer 1-3650');
  return value;
}

/** A name as it may appear in an audit target or error message: bounded, and '?' for a non-string. */
export function toShownName(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 256) : '?';
}

export function invalid(message: string): AdminError {
  return new AdminError('InvalidParameter', [message]);
}
