// The entry point of a data-plane worker process (cluster.fork runs this file).
import { runWorker } from './run-worker.js';

runWorker();
