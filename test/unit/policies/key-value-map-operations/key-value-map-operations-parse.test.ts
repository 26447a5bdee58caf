import { describe, expect, it } from 'vitest';
import { keyValueMapOperationsPolicy } from '../../../../src/policies/key-value-map-operations/execute.js';
import { parsePolicy } from '../policy-test-kit.js';

describe('KeyValueMapOperations parse', () => {
  it('reads the map, scope, expiry, initial entries and operations in document order', () => {
    const { config, problems } = parsePolicy(keyValueMapOperationsPolicy, `
      <KeyValueMapOperations async="false" continueOnError="false" enabled="true" name="KVM-Ops" mapIdentifier="FooKVM">
        <DisplayName>KVM</DisplayName>
        <ExpiryTimeInSecs>86400</ExpiryTimeInSecs>
        <Scope>apiproxy</Scope>
        <ExclusiveCache>false</ExclusiveCache>
        <InitialEntries>
          <Entry><Key><Parameter>k1</Parameter></Key><Value>v1</Value></Entry>
          <Entry><Key><Parameter>k2</Parameter><Parameter>x</Parameter></Key><Value>v3</Value><Value>v4</Value></Entry>
        </InitialEntries>
        <Put override="true"><Key><Parameter ref="flow.user"/></Key><Value ref="flow.long"/><Value>literal</Value></Put>
        <Get assignTo="private.secret" index="2"><Key><Parameter>FooKey_1</Parameter><Parameter ref="flow.suffix"/></Key></Get>
        <Delete><Key><Parameter>old</Parameter></Key></Delete>
      </KeyValueMapOperations>`);
    expect(problems).toEqual([]);
    expect(config).toEqual({
      mapIdentifier: 'FooKVM',
      scope: 'apiproxy',
      expiryTimeInSecs: 86400,
      initialEntries: [{ key: ['k1'], values: ['v1'] }, { key: ['k2', 'x'], values: ['v3', 'v4'] }],
      operations: [
        { kind: 'Put', override: true, key: [{ ref: 'flow.user' }], values: [{ ref: 'flow.long' }, { text: 'literal' }] },
        { kind: 'Get', assignTo: 'private.secret', index: 2, key: [{ text: 'FooKey_1' }, { ref: 'flow.suffix' }] },
        { kind: 'Delete', key: [{ text: 'old' }] },
      ],
    });
  });

  it('defaults to Apigee\'s map kvmap, environment scope and a 300 s read cache', () => {
    const { config, problems } = parsePolicy(keyValueMapOperationsPolicy, '<KeyValueMapOperations name="K"><ExpiryTimeInSecs>-1</ExpiryTimeInSecs><Get assignTo="v"><Key><Parameter>k</Parameter></Key></Get></KeyValueMapOperations>');
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ mapIdentifier: 'kvmap', scope: 'environment', expiryTimeInSecs: 300 });
  });

  it('reports InvalidIndex, KeyIsMissing, ValueIsMissing and the rest, naming the element', () => {
    const { problems } = parsePolicy(keyValueMapOperationsPolicy, `
      <KeyValueMapOperations name="K-bad" mapIdentifier="bad/name">
        <Scope>galaxy</Scope>
        <ExpiryTimeInSecs>soon</ExpiryTimeInSecs>
        <Get index="0"><Key><Parameter>k</Parameter></Key></Get>
        <Put override="perhaps"><Key/></Put>
        <Delete/>
        <InitialEntries><Entry><Key><Parameter ref="x"/></Key></Entry></InitialEntries>
        <MapName>x</MapName>
      </KeyValueMapOperations>`);
    expect(problems).toEqual(expect.arrayContaining([
      'KeyValueMapOperations K-bad: mapIdentifier "bad/name" must be 1-255 of A-Z a-z 0-9 . _ - $ space %',
      'KeyValueMapOperations K-bad: <Scope> must be one of organization, environment, apiproxy, policy, got "galaxy"',
      'KeyValueMapOperations K-bad: <ExpiryTimeInSecs> must be a whole number of seconds, got "soon"',
      'KeyValueMapOperations K-bad: <Get> needs an assignTo attribute naming the variable the value is assigned to',
      'KeyValueMapOperations K-bad: InvalidIndex: <Get index> must be an integer ≥ 1, got "0"',
      'KeyValueMapOperations K-bad: <Put override> must be true or false, got "perhaps"',
      'KeyValueMapOperations K-bad: ValueIsMissing: <Put> needs at least one <Value>',
      'KeyValueMapOperations K-bad: KeyIsMissing: <Key> of <Put> needs at least one <Parameter>',
      'KeyValueMapOperations K-bad: KeyIsMissing: <Delete> needs exactly one <Key>, got 0',
      'KeyValueMapOperations K-bad: <InitialEntries>: <Parameter ref="x"> is not supported; initial entries take literal values',
      'KeyValueMapOperations K-bad: ValueIsMissing: <Entry> of <InitialEntries> needs at least one <Value>',
      'KeyValueMapOperations K-bad: <MapName> is not supported inside <KeyValueMapOperations>',
    ]));
    expect(problems).toHaveLength(12);
  });

  it('needs at least one operation', () => {
    const { problems } = parsePolicy(keyValueMapOperationsPolicy, '<KeyValueMapOperations name="K" mapIdentifier="m"/>');
    expect(problems).toEqual(['KeyValueMapOperations K: at least one of <Get>, <Put>, <Delete> or <InitialEntries> is required']);
  });
});
