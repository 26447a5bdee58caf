// Types for on-exit-leak-free (pino's own exit-hook helper; it ships none): calls `fn` on process exit while `obj` is alive, holding it weakly.
declare module 'on-exit-leak-free' {
  type ExitEvent = 'exit' | 'beforeExit';
  export function register<T extends object>(obj: T, fn: (obj: T, event: ExitEvent) => void): void;
  export function registerBeforeExit<T extends object>(obj: T, fn: (obj: T, event: ExitEvent) => void): void;
  export function unregister(obj: object): void;
}
