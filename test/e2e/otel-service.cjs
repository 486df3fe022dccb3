// A tiny HTTP service instrumented with the real OpenTelemetry JS SDK (CommonJS, so the
// http instrumentation's require hook applies). Started by the end-to-end test as:
//   SERVICE_NAME=... PORT=0 DOWNSTREAM=http://127.0.0.1:N EXPORTER=proto|json|grpc OTLP_ENDPOINT=... node otel-service.cjs
// GET /work calls DOWNSTREAM/work (if set) and answers with the trace id; POST /flush
// forces the exporter to send everything.
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const api = require('@opentelemetry/api');

const exporters = {
  proto: () => new (require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)({ url: `${process.env.OTLP_ENDPOINT}/v1/traces` }),
  json: () => new (require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)({ url: `${process.env.OTLP_ENDPOINT}/v1/traces` }),
  grpc: () => new (require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)({ url: `http://${process.env.OTLP_ENDPOINT}` }),
};

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.SERVICE_NAME, 'service.version': '1.2.3' }),
  spanProcessors: [new BatchSpanProcessor(exporters[process.env.EXPORTER]())],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

const http = require('node:http');
const tracer = api.trace.getTracer('skein-e2e');

const server = http.createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/flush') {
    await provider.forceFlush();
    res.end('flushed');
    return;
  }
  const traceId = api.trace.getActiveSpan().spanContext().traceId;
  await tracer.startActiveSpan('do-work', { attributes: { 'work.items': 3, 'work.kind': 'e2e' } }, async (span) => {
    if (process.env.DOWNSTREAM) {
      await new Promise((resolve, reject) => {
        http.get(`${process.env.DOWNSTREAM}/work`, (r) => { r.resume(); r.on('end', resolve); }).on('error', reject);
      });
    }
    span.addEvent('work done', { 'items.done': 3 });
    span.end();
  });
  res.end(traceId);
});
// PORT=0 lets the kernel pick a free port; the first stdout line says which.
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
