// An httpClient callout in flight or done: what `{ __batonExchange: id }` stands for in a flow variable.
import type { CalloutWire } from '../../scripts/script-protocol.js';

export class PendingCallout {
  readonly id: string;
  /** Never rejects: failures are `{ ok: false, error }`. */
  readonly outcome: Promise<CalloutWire>;
  settled: CalloutWire | undefined;

  constructor(id: string, outcome: Promise<CalloutWire>) {
    this.id = id;
    this.outcome = outcome;
    void outcome.then((wire) => {
      this.settled = wire;
    });
  }
}
