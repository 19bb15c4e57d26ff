export { formatTraceparent, parseTraceparent, type TraceparentFields } from './traceparent.js';
