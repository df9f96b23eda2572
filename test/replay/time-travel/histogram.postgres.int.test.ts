// The filtered histogram's contract (histogram-contract.ts) on the database log on PostgreSQL.
import { describe } from 'node:test';
import { postgresLogSchema } from '../../support/postgres-log.ts';
import { histogramContract } from './histogram-contract.ts';

describe('filtered histogram on PostgreSQL', () => {
  const pg = postgresLogSchema('histogram');
  histogramContract(() => ({
    log: pg.log,
    async newTopic() {
      await pg.log.ensureTopic('histogram', { partitions: 3 });
      return 'histogram';
    },
  }));
});
