// User accounts: create, read, update and delete, each change audited; passwords are hashed outside the lock.
import { globalAuditOrganization } from '../audit/audit-log.js';
import { AdminError } from '../errors.js';
import type { StoreOp } from '../store/store.js';
import { assertMayManageUser, isSelf, runAudited, type AccessContext } from './access-context.js';
import { assertEmail, assertNewPassword, invalid, toPersonName, toShownName } from './access-input.js';
import {
  compareText,
  membersCollection,
  readUser,
  toMemberPrefix,
  tokensCollection,
  toUserKey,
  usersCollection,
  type TokenRecord,
  type UserRecord,
} from './access-records.js';
import type { AccessService, NewUser, UserUpdate, UserView } from './access-service.js';
import type { Principal } from './principal.js';

export type UserOperations = Pick<AccessService, 'createUser' | 'getUser' | 'listUsers' | 'updateUser' | 'deleteUser'>;

export function createUserOperations(context: AccessContext): UserOperations {
  const { store } = context;
  const forbidden = (by: Principal): AdminError => new AdminError('Forbidden', [by.user, 'ADMIN']);
  const audited = <T>(by: Principal, operation: string, email: unknown, task: () => Promise<T>, details?: Record<string, string>): Promise<T> =>
    runAudited(context, by, { operation, organization: globalAuditOrganization, target: `users/${toShownName(email)}`, ...(details ? { details } : {}) }, task);

  return {
    createUser(input: NewUser, by: Principal) {
      return audited(by, 'create-user', input?.emailId, async () => {
        if (!by.isAdmin) throw forbidden(by);
        if (typeof input !== 'object' || input === null) throw invalid('expected an object of emailId, firstName, lastName and password');
        const { emailId, password } = input;
        assertEmail(emailId);
        const firstName = toPersonName(input.firstName, 'firstName');
        const lastName = toPersonName(input.lastName, 'lastName');
        assertNewPassword(password);
        const passwordHash = await context.hasher.hash(password);
        const userKey = toUserKey(emailId);
        return context.withLock(async () => {
          if (readUser(store, userKey)) throw new AdminError('UserAlreadyExists', [emailId]);
          const at = context.now();
          const record: UserRecord = { emailId, firstName, lastName, passwordHash, createdAt: at, lastModifiedAt: at };
          await store.commit([{ collection: usersCollection, key: userKey, value: record }]);
          return toUserView(record);
        });
      });
    },

    getUser(email, by) {
      const userKey = toUserKey(String(email));
      if (!isSelf(by, userKey) && !by.isAdmin) throw forbidden(by);
      const record = readUser(store, userKey);
      if (!record) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
      return toUserView(record);
    },

    listUsers(by) {
      if (!by.isAdmin) throw forbidden(by);
      return store
        .list<UserRecord>(usersCollection)
        .sort((a, b) => compareText(a.key, b.key))
        .map(({ value }) => toUserView(value));
    },

    updateUser(email: string, update: UserUpdate, by: Principal) {
      // Which fields changed, never their values.
      const fields = Object.keys(update ?? {}).filter((field) => ['firstName', 'lastName', 'password'].includes(field)).sort().join(',');
      const task = async (): Promise<UserView> => {
        const userKey = toUserKey(String(email));
        assertMayManageUser(context, by, userKey);
        if (typeof update !== 'object' || update === null) throw invalid('expected an object of firstName, lastName and password');
        const firstName = update.firstName === undefined ? undefined : toPersonName(update.firstName, 'firstName');
        const lastName = update.lastName === undefined ? undefined : toPersonName(update.lastName, 'lastName');
        if (update.password !== undefined) assertNewPassword(update.password);
        const passwordHash = update.password === undefined ? undefined : await context.hasher.hash(update.password);
        return context.withLock(async () => {
          const record = readUser(store, userKey);
          if (!record) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
          const updated: UserRecord = {
            ...record,
            firstName: firstName ?? record.firstName,
            lastName: lastName ?? record.lastName,
            passwordHash: passwordHash ?? record.passwordHash,
            lastModifiedAt: context.now(),
          };
          await store.commit([{ collection: usersCollection, key: userKey, value: updated }]);
          if (passwordHash) context.credentialCache.forgetUser(userKey);
          return toUserView(updated);
        });
      };
      return audited(by, 'update-user', email, task, { fields });
    },

    deleteUser(email, by) {
      return audited(by, 'delete-user', email, async () => {
        if (!by.isAdmin) throw forbidden(by);
        const userKey = toUserKey(String(email));
        assertMayManageUser(context, by, userKey);
        if (userKey === context.adminKey) throw invalid('the administrator (admin.user) cannot be deleted');
        await context.withLock(async () => {
          if (!readUser(store, userKey)) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
          const ops: StoreOp[] = [{ collection: usersCollection, key: userKey, value: null }];
          for (const { key } of store.list(membersCollection, { prefix: toMemberPrefix(userKey) })) ops.push({ collection: membersCollection, key, value: null });
          for (const { key, value } of store.list<TokenRecord>(tokensCollection)) {
            if (value.user === userKey) ops.push({ collection: tokensCollection, key, value: null });
          }
          await store.commit(ops);
          context.credentialCache.forgetUser(userKey);
        });
      });
    },
  };
}

export function toUserView(record: UserRecord): UserView {
  return { emailId: record.emailId, firstName: record.firstName, lastName: record.lastName, createdAt: record.createdAt, lastModifiedAt: record.lastModifiedAt };
}
