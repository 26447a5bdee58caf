// OpenTelemetry span export for the data plane (a server span per request, a client span per target call), on a provider per gateway.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVICE_NAME, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config.js';
import { isSampled, type TraceParent } from './trace-context.js';

export type { Span } from '@opentelemetry/api';

export interface Tracing {
  /**
   * The span of one data-plane request; its parent is the client's trace context when the client sent a valid
   * traceparent (and tracestate). Attributes must be low-cardinality except `url.path`.
   */
  startServerSpan(name: string, parent: TraceParent | undefined, traceState: string | undefined, attributes: Attributes): Span;
  /** The span of one target call, child of the request's span; its span id is the parent id the target receives. */
  startTargetSpan(serverSpan: Span, method: string): Span;
  /** Ends a server span with the status sent to the client. */
  endServerSpan(span: Span, status: number): void;
  /** Ends a target span with the target's status, or the kind of failure when it gave none. */
  endTargetSpan(span: Span, status: number | undefined, errorKind: string | undefined): void;
  /** Exports the spans still buffered, then stops. */
  close(): Promise<void>;
}

export interface TracingDeps {
  /** Replaces the OTLP exporter (tests). */
  readonly exporter?: SpanExporter;
}

/**
 * Spans are batched (BatchSpanProcessor: every 5 s or 512 spans) and exported over OTLP/HTTP with JSON. The provider
 * is not registered globally: two gateways in one process keep their own. Sampling is parent-based: a client's
 * sampled flag decides, and new traces are sampled with `sampleRatio`.
 */
export function createTracing(config: TracingConfig, deps: TracingDeps = {}): Tracing {
  const exporter = deps.exporter ?? new OTLPTraceExporter({ url: config.otlpEndpoint });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer: Tracer = provider.getTracer('baton');

  return {
    startServerSpan(name, parent, traceState, attributes) {
      const context = parent
        ? trace.setSpanContext(ROOT_CONTEXT, {
          traceId: parent.traceId,
          spanId: parent.parentId,
          traceFlags: isSampled(parent.flags) ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
          ...(traceState ? { traceState: createTraceState(traceState) } : {}),
        })
        : ROOT_CONTEXT;
      return tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, context);
    },
    startTargetSpan(serverSpan, method) {
      return tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method } }, trace.setSpan(ROOT_CONTEXT, serverSpan));
    },
    endServerSpan(span, status) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // OTel HTTP semantic conventions: for a server span only 5xx is an error.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    endTargetSpan(span, status, errorKind) {
      if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (errorKind !== undefined) span.setAttribute(ATTR_ERROR_TYPE, errorKind);
      // For a client span 4xx is an error too (the call did not get what it asked for).
      if (errorKind !== undefined || (status !== undefined && status >= 400)) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    close: () => provider.shutdown(),
  };
}
