// Which methods each registered path accepts, to tell an unknown route (404) from a wrong verb (405).
import Router from 'find-my-way';

/** Mirrors fastify's router, method-agnostic: one entry per path pattern holding every method registered on it. */
export class RouteIndex {
  private readonly router: Router.Instance<Router.HTTPVersion.V1>;
  private readonly methodsByPattern = new Map<string, Set<string>>();

  constructor(options: { maxParamLength: number }) {
    this.router = Router({ maxParamLength: options.maxParamLength });
  }

  add(methods: string | readonly string[], pattern: string): void {
    let known = this.methodsByPattern.get(pattern);
    if (!known) {
      known = new Set();
      this.methodsByPattern.set(pattern, known);
      // The method is a placeholder: every pattern is filed under GET, and the store holds the real ones.
      this.router.on('GET', pattern, () => undefined, known);
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) known.add(method.toUpperCase());
  }

  /** The methods of the pattern matching `path` (no query string), or undefined when no pattern matches. */
  allowedMethods(path: string): string[] | undefined {
    const found = this.router.find('GET', path);
    if (!found) return undefined;
    return [...(found.store as Set<string>)].sort();
  }
}
