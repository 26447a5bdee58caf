// Developers: list, create, read, update, activate or deactivate, and delete (with their apps, in one commit).
import { randomUUID } from 'node:crypto';
import { AdminError } from '../errors.js';
import type { StoreOp } from '../store/store.js';
import { assertOrganization, listApps, readDeveloper, toAppOp, type DeveloperContext } from './developer-context.js';
import { readDeveloperInput } from './developer-input.js';
import { developersCollection, toDeveloperKey, type DeveloperRecord, type DeveloperStatus } from './developer-records.js';
import { invalid, type Fields } from './read-input-fields.js';
import { toDeveloperJson, type DeveloperJson } from './to-developer-json.js';

export interface DeveloperOperations {
  listDevelopers(organization: string): DeveloperJson[];
  getDeveloper(organization: string, emailOrId: string): DeveloperJson;
  createDeveloper(organization: string, body: Fields, user: string): Promise<DeveloperJson>;
  updateDeveloper(organization: string, emailOrId: string, body: Fields, user: string): Promise<DeveloperJson>;
  /** Edge's `action=active|inactive`. */
  setDeveloperStatus(organization: string, emailOrId: string, action: string | undefined, user: string): Promise<void>;
  /** Deletes the developer and every app (and key) they own; returns the developer as it was. */
  deleteDeveloper(organization: string, emailOrId: string): Promise<DeveloperJson>;
}

const statuses: readonly DeveloperStatus[] = ['active', 'inactive'];

export function createDeveloperOperations(context: DeveloperContext): DeveloperOperations {
  const { store } = context;
  const toJson = (developer: DeveloperRecord) => toDeveloperJson(developer, listApps(context, developer).map((app) => app.name));
  const put = (developer: DeveloperRecord): StoreOp => ({ collection: developersCollection, key: toDeveloperKey(developer.organization, developer.email), value: developer });

  return {
    listDevelopers(organization) {
      assertOrganization(context, organization);
      return store.list<DeveloperRecord>(developersCollection, { prefix: `${organization}/` }).map(({ value }) => toJson(value));
    },

    getDeveloper: (organization, emailOrId) => toJson(readDeveloper(context, organization, emailOrId)),

    async createDeveloper(organization, body, user) {
      assertOrganization(context, organization);
      const input = readDeveloperInput(body);
      for (const field of ['email', 'firstName', 'lastName', 'userName'] as const) if (input[field] === undefined) throw invalid(`${field}: required`);
      return context.withLock(organization, async () => {
        const email = input.email!;
        if (store.get(developersCollection, toDeveloperKey(organization, email))) throw new AdminError('DeveloperAlreadyExists', [email, organization]);
        const now = context.now();
        const developer: DeveloperRecord = {
          organization, developerId: randomUUID(), email, firstName: input.firstName!, lastName: input.lastName!, userName: input.userName!,
          status: input.status ?? 'active', attributes: input.attributes ?? [],
          createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user,
        };
        await context.commit([put(developer)]);
        return toDeveloperJson(developer, []);
      });
    },

    async updateDeveloper(organization, emailOrId, body, user) {
      const input = readDeveloperInput(body);
      return context.withLock(organization, async () => {
        const current = readDeveloper(context, organization, emailOrId);
        const email = input.email ?? current.email;
        const moved = toDeveloperKey(organization, email) !== toDeveloperKey(organization, current.email);
        if (moved && store.get(developersCollection, toDeveloperKey(organization, email))) throw new AdminError('DeveloperAlreadyExists', [email, organization]);
        const developer: DeveloperRecord = {
          ...current,
          email,
          firstName: input.firstName ?? current.firstName,
          lastName: input.lastName ?? current.lastName,
          userName: input.userName ?? current.userName,
          status: input.status ?? current.status,
          attributes: input.attributes ?? current.attributes,
          lastModifiedAt: context.now(),
          lastModifiedBy: user,
        };
        // A changed email moves the record; apps refer to the developerId and stay where they are.
        const ops: StoreOp[] = moved ? [{ collection: developersCollection, key: toDeveloperKey(organization, current.email), value: null }] : [];
        await context.commit([...ops, put(developer)]);
        return toJson(developer);
      });
    },

    async setDeveloperStatus(organization, emailOrId, action, user) {
      const status = statuses.find((s) => s === action?.toLowerCase());
      if (!status) throw invalid('action: expected active or inactive');
      return context.withLock(organization, async () => {
        const current = readDeveloper(context, organization, emailOrId);
        if (current.status === status) return;
        await context.commit([put({ ...current, status, lastModifiedAt: context.now(), lastModifiedBy: user })]);
      });
    },

    async deleteDeveloper(organization, emailOrId) {
      return context.withLock(organization, async () => {
        const developer = readDeveloper(context, organization, emailOrId);
        const apps = listApps(context, developer);
        const ops: StoreOp[] = [
          { collection: developersCollection, key: toDeveloperKey(organization, developer.email), value: null },
          ...apps.map((app) => ({ ...toAppOp(app), value: null })),
        ];
        await context.commit(ops);
        return toDeveloperJson(developer, apps.map((app) => app.name));
      });
    },
  };
}
