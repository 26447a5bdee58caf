// API products: list, create, read, update and delete; environments are checked against the organization's.
import { AdminError } from '../errors.js';
import { assertOrganization, readProduct, type DeveloperContext } from './developer-context.js';
import { readProductInput, type ProductInput } from './developer-input.js';
import { productsCollection, toProductKey, type ProductRecord } from './developer-records.js';
import { invalid, type Fields } from './read-input-fields.js';
import { toProductJson, type ProductJson } from './to-developer-json.js';

export interface ProductOperations {
  listProducts(organization: string): ProductJson[];
  getProduct(organization: string, name: string): ProductJson;
  createProduct(organization: string, body: Fields, user: string): Promise<ProductJson>;
  /** Fields present in the body replace the stored ones; absent fields are kept. */
  updateProduct(organization: string, name: string, body: Fields, user: string): Promise<ProductJson>;
  /**
   * Keys that list the product keep it in their list (Edge), but it no longer grants anything: VerifyAPIKey skips
   * products that do not exist.
   */
  deleteProduct(organization: string, name: string): Promise<ProductJson>;
}

export function createProductOperations(context: DeveloperContext): ProductOperations {
  const { store } = context;
  const put = (product: ProductRecord) => ({ collection: productsCollection, key: toProductKey(product.organization, product.name), value: product });

  const assertEnvironments = (organization: string, input: ProductInput): void => {
    const known = context.organizations.get(organization);
    for (const environment of input.environments ?? []) {
      if (!known?.has(environment)) throw invalid(`environments: ${JSON.stringify(environment)} is not an environment of organization ${organization}`);
    }
  };

  return {
    listProducts(organization) {
      assertOrganization(context, organization);
      return store.list<ProductRecord>(productsCollection, { prefix: `${organization}/` }).map(({ value }) => toProductJson(value));
    },

    getProduct: (organization, name) => toProductJson(readProduct(context, organization, name)),

    async createProduct(organization, body, user) {
      assertOrganization(context, organization);
      const input = readProductInput(body);
      if (input.name === undefined) throw invalid('name: required');
      assertEnvironments(organization, input);
      const name = input.name;
      return context.withLock(organization, async () => {
        if (store.get(productsCollection, toProductKey(organization, name))) throw new AdminError('ApiProductAlreadyExists', [name, organization]);
        const now = context.now();
        const product: ProductRecord = {
          organization,
          name,
          displayName: input.displayName ?? name,
          description: input.description ?? '',
          approvalType: input.approvalType ?? 'auto',
          attributes: input.attributes ?? [],
          environments: input.environments ?? [],
          proxies: input.proxies ?? [],
          apiResources: input.apiResources ?? [],
          scopes: input.scopes ?? [],
          ...(input.quota !== undefined ? { quota: input.quota } : {}),
          ...(input.quotaInterval !== undefined ? { quotaInterval: input.quotaInterval } : {}),
          ...(input.quotaTimeUnit !== undefined ? { quotaTimeUnit: input.quotaTimeUnit } : {}),
          createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user,
        };
        await context.commit([put(product)]);
        return toProductJson(product);
      });
    },

    async updateProduct(organization, name, body, user) {
      const input = readProductInput(body);
      assertEnvironments(organization, input);
      return context.withLock(organization, async () => {
        const current = readProduct(context, organization, name);
        if (input.name !== undefined && input.name !== current.name) throw invalid('name: an API product cannot be renamed');
        const { name: _name, ...changes } = input;
        const product: ProductRecord = { ...current, ...changes, lastModifiedAt: context.now(), lastModifiedBy: user };
        await context.commit([put(product)]);
        return toProductJson(product);
      });
    },

    async deleteProduct(organization, name) {
      return context.withLock(organization, async () => {
        const product = readProduct(context, organization, name);
        await context.commit([{ ...put(product), value: null }]);
        return toProductJson(product);
      });
    },
  };
}
