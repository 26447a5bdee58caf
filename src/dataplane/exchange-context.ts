// The FlowContext of a data-plane request, plus what the data plane observes about it: trace context, target status, metric cells.
import { TargetError } from '../errors.js';
import { FlowContext, type FlowContextInit } from '../engine/flow-context.js';
import type { ParamMap } from '../engine/param-map.js';
import { formatTraceParent, isSampled, parseTraceParent, type TraceIdGenerator } from '../tracing/trace-context.js';
import type { Span, Tracing } from '../tracing/create-tracing.js';
import type { RevisionObserver } from './revision-observer.js';

/** Per listener: where ids come from, and the span exporter when tracing is on (undefined: no OTel object per request). */
export interface ExchangeTracing {
  readonly ids: TraceIdGenerator;
  readonly tracing: Tracing | undefined;
}

export class ExchangeContext extends FlowContext {
  readonly observer: RevisionObserver;
  private readonly exchangeTracing: ExchangeTracing;
  /** The client's traceparent header as received; parsed on the first target call (or at once when exporting spans). */
  private readonly clientTraceParent: string | undefined;
  /** Set on the first target call: the trace this request belongs to. */
  private traceId: string | undefined;
  private sampled = false;
  /** The request's span, only when spans are exported. */
  serverSpan: Span | undefined;
  /** Status of the last target response; 0 while no target has answered. */
  targetStatus = 0;

  constructor(init: FlowContextInit, observer: RevisionObserver, exchangeTracing: ExchangeTracing, clientTraceParent: string | undefined) {
    super(init);
    this.observer = observer;
    this.exchangeTracing = exchangeTracing;
    this.clientTraceParent = clientTraceParent;
  }

  /** Starts the request's span (tracing on only), continuing the client's trace when its traceparent is valid. */
  startServerSpan(tracing: Tracing, name: string, attributes: Record<string, string | number>): void {
    const parent = parseTraceParent(this.clientTraceParent);
    const traceState = parent ? this.request.headers.get('tracestate') : undefined;
    this.serverSpan = tracing.startServerSpan(name, parent, traceState, attributes);
  }

  /**
   * Just before a target call: writes `traceparent` on the target request (W3C Trace Context §4.3: the same trace id,
   * a new parent id per call) and returns the call's span when spans are exported. Without a valid client
   * traceparent the trace starts here and a received tracestate is dropped (§4.2: it is invalid without one).
   */
  beforeTargetCall(headers: ParamMap, method: string): Span | undefined {
    const { tracing, ids } = this.exchangeTracing;
    if (this.traceId === undefined) {
      const parent = parseTraceParent(this.clientTraceParent);
      if (parent) {
        this.traceId = parent.traceId;
        this.sampled = isSampled(parent.flags);
      } else {
        this.traceId = '';
        if (headers.has('tracestate')) headers.delete('tracestate');
      }
    }
    if (tracing && this.serverSpan) {
      const span = tracing.startTargetSpan(this.serverSpan, method);
      const context = span.spanContext();
      headers.set('traceparent', formatTraceParent(context.traceId, context.spanId, (context.traceFlags & 1) === 1));
      return span;
    }
    if (this.traceId === '') this.traceId = ids.traceId();
    headers.set('traceparent', formatTraceParent(this.traceId, ids.spanId(), this.sampled));
    return undefined;
  }

  /** After a target call: its response status, or the error it failed with; `seconds` until the response headers (or the failure). */
  afterTargetCall(span: Span | undefined, status: number | undefined, error: unknown, seconds: number): void {
    const metrics = this.observer.metrics;
    let errorKind: string | undefined;
    if (status !== undefined) {
      this.targetStatus = status;
      metrics.targetSeconds.observe(seconds);
    } else if (this.init.targetSignal?.aborted) {
      // The client went away and the call was abandoned: not the target's failure.
      errorKind = 'aborted';
    } else if (error instanceof TargetError) {
      errorKind = error.kind;
      metrics.countTargetError(errorKind);
    } else {
      // A fault of ours before sending (InvalidHeader, InvalidTargetUrl): the target was never called.
      errorKind = 'not-sent';
    }
    if (span) this.exchangeTracing.tracing?.endTargetSpan(span, status, errorKind);
  }
}
