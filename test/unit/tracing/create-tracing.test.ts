// Span export: a server span continuing the client's trace, target spans as its children, parent-based sampling, flush on close.
import { describe, expect, it } from 'vitest';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createTracing } from '../../../src/tracing/create-tracing.js';

const config = { enabled: true, otlpEndpoint: 'http://127.0.0.1:1/v1/traces', serviceName: 'baton-test', sampleRatio: 1 };
/** Keeps what was exported after shutdown (the SDK's InMemorySpanExporter forgets its spans when shut down). */
class RecordingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  getFinishedSpans(): ReadableSpan[] {
    return this.spans;
  }
  async shutdown(): Promise<void> {}
}

const client = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: '01' };

describe('createTracing', () => {
  it('continues the client trace, makes target spans children of the request span, and exports them on close', async () => {
    const exporter = new RecordingExporter();
    const tracing = createTracing(config, { exporter });
    const server = tracing.startServerSpan('GET /orders', client, 'vendor=abc', { 'url.path': '/orders/1' });
    const target = tracing.startTargetSpan(server, 'GET');
    tracing.endTargetSpan(target, 503, undefined);
    tracing.endServerSpan(server, 503);
    await tracing.close();

    const spans = exporter.getFinishedSpans();
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const targetSpan = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect(serverSpan.spanContext().traceId).toBe(client.traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(client.parentId);
    expect(serverSpan.spanContext().traceState?.get('vendor')).toBe('abc');
    expect(serverSpan.attributes).toMatchObject({ 'url.path': '/orders/1', 'http.response.status_code': 503 });
    expect(serverSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverSpan.resource.attributes['service.name']).toBe('baton-test');
    expect(targetSpan.spanContext().traceId).toBe(client.traceId);
    expect(targetSpan.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
    expect(targetSpan.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 503 });
  });

  it('records a failed target call with its kind', async () => {
    const exporter = new RecordingExporter();
    const tracing = createTracing(config, { exporter });
    const server = tracing.startServerSpan('GET /', undefined, undefined, {});
    tracing.endTargetSpan(tracing.startTargetSpan(server, 'POST'), undefined, 'connect');
    tracing.endServerSpan(server, 503);
    await tracing.close();
    const targetSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(targetSpan.attributes['error.type']).toBe('connect');
    expect(targetSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(targetSpan.parentSpanContext?.spanId).toBe(exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!.spanContext().spanId);
  });

  it('follows the client sampled flag and samples new traces by ratio', async () => {
    const exporter = new RecordingExporter();
    const tracing = createTracing({ ...config, sampleRatio: 0 }, { exporter });
    const unsampledRoot = tracing.startServerSpan('GET /', undefined, undefined, {});
    const clientSampled = tracing.startServerSpan('GET /', client, undefined, {});
    const clientNotSampled = tracing.startServerSpan('GET /', { ...client, flags: '00' }, undefined, {});
    // Not recorded, but still a real context: the target gets a valid traceparent either way.
    expect(unsampledRoot.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(unsampledRoot.isRecording()).toBe(false);
    expect(clientSampled.isRecording()).toBe(true);
    expect(clientNotSampled.isRecording()).toBe(false);
    expect(tracing.startTargetSpan(clientNotSampled, 'GET').spanContext().traceId).toBe(client.traceId);
    for (const span of [unsampledRoot, clientSampled, clientNotSampled]) tracing.endServerSpan(span, 200);
    await tracing.close();
    expect(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual([client.traceId]);
  });
});
