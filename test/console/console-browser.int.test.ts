// The console in a real browser (Debian's chromium through playwright-core) against the real service
// process on embedded defaults (PGlite, in-process log); the suites are in support/core-suite.ts and
// support/operations-suite.ts, and run on PostgreSQL + Kafka in console-browser-distributed.int.test.ts.
import { consoleSuites } from './support/suites.ts';

consoleSuites('embedded');
