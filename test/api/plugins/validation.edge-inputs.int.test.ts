// The edge inputs of test/support/edge-inputs.ts on PostgreSQL, which refuses U+0000 in text and jsonb
// and lone surrogates in jsonb with errors of its own.
import { composedApp } from '../../support/composed-app.ts';
import { describeEdgeInputs } from '../../support/edge-inputs.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

describeEdgeInputs('PostgreSQL', () =>
  composedApp({ BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'), BSS_DATABASE_SCHEMA: uniqueName('api_edge') }),
);
