// NUL characters, lone surrogates and impossible times on embedded PGlite: 400 naming the field, never
// 500 (the cases are in test/support/edge-inputs.ts; validation.edge-inputs.int.test.ts runs them on PostgreSQL).
import { composedApp } from '../../support/composed-app.ts';
import { describeEdgeInputs } from '../../support/edge-inputs.ts';

describeEdgeInputs('PGlite', () => composedApp());
