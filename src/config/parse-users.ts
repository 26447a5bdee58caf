// Parses the `users` section: management-API users, their credentials and per-organization roles.
import type { UserConfig, UserRoleConfig } from '../config.js';
import {
  type ConfigProblems,
  isPlainObject,
  joinPath,
  readArray,
  readName,
  readOptionalString,
  readSecret,
  readSection,
  required,
  toShownValue,
} from './config-reader.js';

const userKeys = ['email', 'password', 'passwordHash', 'firstName', 'lastName', 'roles'] as const;
const roleKeys = ['org', 'role'] as const;
const emailPattern = /^[^\s@]+@[^\s@]+$/;

export function parseUsers(problems: ConfigProblems, raw: unknown, organizationNames: readonly string[]): UserConfig[] {
  const path = 'users';
  const users = readArray(problems, raw, path, []).map((item, index) => parseUser(problems, item, toUserPath(item, index), organizationNames));
  const seen = new Set<string>();
  for (const user of users) {
    // Logins compare emails case-insensitively, so two spellings of one address are one user.
    const key = user.email.toLowerCase();
    if (seen.has(key)) problems.add(path, `duplicate user email ${JSON.stringify(user.email)}`);
    seen.add(key);
  }
  return users;
}

/** `users["ann@example.com"]`: by email when there is one, else by index. */
function toUserPath(raw: unknown, index: number): string {
  const email = isPlainObject(raw) ? raw.email : undefined;
  return typeof email === 'string' && email !== '' ? joinPath('users', email) : `users[${index}]`;
}

function parseUser(problems: ConfigProblems, raw: unknown, path: string, organizationNames: readonly string[]): UserConfig {
  const section = readSection(problems, required(raw), path, userKeys);
  const email = section.email;
  if (typeof email !== 'string' || !emailPattern.test(email)) problems.add(joinPath(path, 'email'), `expected an email address, got ${toShownValue(required(email))}`);
  const password = readSecret(problems, section.password, joinPath(path, 'password'));
  const passwordHash = readSecret(problems, section.passwordHash, joinPath(path, 'passwordHash'));
  if ((section.password === undefined) === (section.passwordHash === undefined)) problems.add(path, 'expected exactly one of password and passwordHash');
  const firstName = readOptionalString(problems, section.firstName, joinPath(path, 'firstName'));
  const lastName = readOptionalString(problems, section.lastName, joinPath(path, 'lastName'));
  const rolesPath = joinPath(path, 'roles');
  const roles = readArray(problems, required(section.roles), rolesPath, []).map((item, index) =>
    parseRole(problems, item, `${rolesPath}[${index}]`, organizationNames),
  );
  return {
    email: typeof email === 'string' ? email : '',
    ...(password !== undefined ? { password } : {}),
    ...(passwordHash !== undefined ? { passwordHash } : {}),
    ...(firstName !== undefined ? { firstName } : {}),
    ...(lastName !== undefined ? { lastName } : {}),
    roles,
  };
}

function parseRole(problems: ConfigProblems, raw: unknown, path: string, organizationNames: readonly string[]): UserRoleConfig {
  const section = readSection(problems, required(raw), path, roleKeys);
  const org = readName(problems, section.org, joinPath(path, 'org'));
  if (org !== '' && !problems.hasAt(joinPath(path, 'org')) && !organizationNames.includes(org)) {
    problems.add(joinPath(path, 'org'), `no organization named ${JSON.stringify(org)}`);
  }
  return { org, role: readName(problems, section.role, joinPath(path, 'role')) };
}
