#!/usr/bin/env bun
// `bun run fraud:worker`: the review worker as its own process, the way it runs in production (and
// the way lab 05 kills and restarts it). It ensures its tables and topic, connects to the database,
// Kafka and Temporal, says it is ready (a line, and an IPC message to a parent), and runs until
// SIGINT/SIGTERM, when it finishes the tasks in hand and exits. SIGKILL is the crash the workflows are
// built to survive.
import { config } from '../../config.ts';
import { serveReviewWorker } from './worker-service.ts';

await serveReviewWorker(config());
process.exit(0);
