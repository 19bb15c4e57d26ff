export { ATTR as STREAMSTORE_ATTRIBUTES } from './attributes.js';
export {
  type OpenTelemetryInstrumentationOptions,
  openTelemetryInstrumentation,
} from './instrumentation.js';
export { commitLinksOf, commitSpanContextOf } from './links.js';
export { formatTraceparent, parseTraceparent, type TraceparentFields } from './traceparent.js';
