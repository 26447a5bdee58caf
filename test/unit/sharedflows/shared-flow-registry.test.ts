// createSharedFlowRegistry: live lookups, who calls a shared flow, and the flow hook set requests capture.
import { describe, expect, it } from 'vitest';
import { createSharedFlowRegistry } from '../../../src/sharedflows/create-shared-flow-registry.js';
import { fakeSharedFlow } from './fake-shared-flow.js';

describe('createSharedFlowRegistry', () => {
  it('serves the installed revision and returns the one it replaced', () => {
    const registry = createSharedFlowRegistry('org', 'test');
    const v1 = fakeSharedFlow('sf', 1, []);
    const v2 = fakeSharedFlow('sf', 2, []);
    expect(registry.install(v1)).toBeUndefined();
    expect(registry.get('sf')).toBe(v1);
    expect(registry.install(v2)).toBe(v1);
    expect(registry.get('sf')).toBe(v2);
    expect(registry.remove('sf')).toBe(v2);
    expect(registry.get('sf')).toBeUndefined();
  });

  it('counts references per caller until each is released, once', () => {
    const registry = createSharedFlowRegistry('org', 'test');
    const a = registry.reference('sf', { apiName: 'orders', revision: 3 });
    const b = registry.reference('sf', { apiName: 'orders', revision: 3 });
    const c = registry.forSharedFlow('outer', 2).reference('sf', { apiName: 'ignored', revision: 9 });
    expect(registry.callersOf('sf')).toEqual(['APIProxy orders revision 3', 'SharedFlow outer revision 2']);
    a();
    a();
    expect(registry.callersOf('sf')).toEqual(['APIProxy orders revision 3', 'SharedFlow outer revision 2']);
    b();
    c();
    expect(registry.callersOf('sf')).toEqual([]);
  });

  it('has no hook set while no hook is attached, so requests pay one null check', () => {
    const registry = createSharedFlowRegistry('org', 'test');
    registry.install(fakeSharedFlow('sf', 1, []));
    expect(registry.getFlowHooks()).toBeUndefined();
    registry.setHook('PreProxyFlowHook', { sharedFlow: 'sf', continueOnError: true });
    registry.setHook('PreProxyFlowHook', undefined);
    expect(registry.getFlowHooks()).toBeUndefined();
  });

  it('rebuilds the hook set on every change: a captured set never changes, a new one sees redeploys', () => {
    const registry = createSharedFlowRegistry('org', 'test');
    const v1 = fakeSharedFlow('sf', 1, []);
    registry.install(v1);
    registry.setHook('PostProxyFlowHook', { sharedFlow: 'sf', continueOnError: false });
    const captured = registry.getFlowHooks();
    expect(captured).toEqual({ PostProxyFlowHook: { sharedFlow: 'sf', continueOnError: false, flow: v1 } });
    const v2 = fakeSharedFlow('sf', 2, []);
    registry.install(v2);
    expect(captured?.PostProxyFlowHook?.flow).toBe(v1);
    expect(registry.getFlowHooks()?.PostProxyFlowHook?.flow).toBe(v2);
    registry.remove('sf');
    expect(registry.getFlowHooks()).toEqual({ PostProxyFlowHook: { sharedFlow: 'sf', continueOnError: false, flow: undefined } });
    expect(Object.isFrozen(registry.getFlowHooks())).toBe(true);
  });
});
