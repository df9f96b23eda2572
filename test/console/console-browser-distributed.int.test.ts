// The console's browser suites against the real service in distributed mode: PostgreSQL and Kafka
// (a schema and a topic prefix of this run's own), the addresses from scripts/services.sh env.
import { consoleSuites } from './support/suites.ts';

consoleSuites('distributed');
