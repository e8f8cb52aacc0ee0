export { WorkerError } from './errors.js';
