// Where a key value map lives (Apigee's KVM scopes) and the store keys derived from it.

export type KvmScope =
  | { readonly kind: 'organization'; readonly organization: string }
  | { readonly kind: 'environment'; readonly organization: string; readonly environment: string }
  | { readonly kind: 'apiproxy'; readonly organization: string; readonly api: string }
  /** The KeyValueMapOperations `policy` scope: one revision of an API proxy. */
  | { readonly kind: 'revision'; readonly organization: string; readonly api: string; readonly revision: number };

// Organization, environment and API names never hold `/` (config and import refuse it), nor do map names.
export function toScopeKey(scope: KvmScope): string {
  switch (scope.kind) {
    case 'organization': return `organization/${scope.organization}`;
    case 'environment': return `environment/${scope.organization}/${scope.environment}`;
    case 'apiproxy': return `apiproxy/${scope.organization}/${scope.api}`;
    case 'revision': return `revision/${scope.organization}/${scope.api}/${scope.revision}`;
  }
}

/** Store key of a map: scope key + `/` + map name. */
export function toMapKey(scope: KvmScope, map: string): string {
  return `${toScopeKey(scope)}/${map}`;
}

/** For messages: `environment test of organization demo`. */
export function describeScope(scope: KvmScope): string {
  switch (scope.kind) {
    case 'organization': return `organization ${scope.organization}`;
    case 'environment': return `environment ${scope.environment} of organization ${scope.organization}`;
    case 'apiproxy': return `API proxy ${scope.api} of organization ${scope.organization}`;
    case 'revision': return `revision ${scope.revision} of API proxy ${scope.api} of organization ${scope.organization}`;
  }
}

/** Edge's KVM names: `A-Z0-9._\-$ %` (Edge management API reference), case-insensitive letters. */
const MAP_NAME = /^[A-Za-z0-9._\-$ %]{1,255}$/;

export function isValidMapName(name: string): boolean {
  return MAP_NAME.test(name);
}
