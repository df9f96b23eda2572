// The layering of ARCHITECTURE.md as dependency-cruiser rules (`npm run lint`): a folder of src/ may
// import only folders of lower layers; no module cycle, no folder cycle. Top layer first.
const LAYERS = [
  ['cli'],
  ['main'],
  ['compose', 'load', 'workers'],
  ['api', 'mediation'],
  ['application'],
  ['replay', 'cache'],
  ['log'],
  ['events', 'store'],
  ['observability'],
  ['domain', 'config'],
  ['errors'],
];

// A room is a folder of src/ or top-level files (compose-cache.ts belongs to compose, error-codes.ts to errors).
const ROOM_FILES = { compose: '(compose|compose-cache)', errors: '(errors|error-codes)' };
const room = (name) => (name in ROOM_FILES ? `src/${ROOM_FILES[name]}[.]ts$` : `src/${name}([.]ts$|/)`);
const any = (names) => `^(${names.map(room).join('|')})`;

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join(', ')} may not import a higher layer (${LAYERS.slice(0, i + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: any(layer) },
  to: { path: any(LAYERS.slice(0, i + 1).flat()) },
}));

// Rooms of one layer do not import each other (api ↛ mediation, replay ↛ cache, …).
const sideways = LAYERS.filter((layer) => layer.length > 1).flatMap((layer) =>
  layer.map((name) => ({
    name: `side-${name}`,
    comment: `${name} may not import ${layer.filter((other) => other !== name).join(', ')} (same layer)`,
    severity: 'error',
    from: { path: any([name]) },
    to: { path: any(layer.filter((other) => other !== name)) },
  })),
);

// src/replay holds one folder per feature; each is entered only through its index.ts, the rest of
// src only through src/replay/index.ts, and replay/shared (readers, time, errors) imports no feature.
const REPLAY_FEATURES = ['engine', 'time-travel', 'debug', 'rebuild', 'offsets'];
const replayRooms = [
  {
    name: 'replay-public-entry',
    comment: 'outside src/replay, replay is imported through src/replay/index.ts only',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/replay/' },
    to: { path: '^src/replay/', pathNot: '^src/replay/index[.]ts$' },
  },
  ...REPLAY_FEATURES.map((feature) => ({
    name: `replay-${feature}-entry`,
    comment: `files outside src/replay/${feature}/ import it through its index.ts only`,
    severity: 'error',
    from: { pathNot: `^src/replay/${feature}/` },
    to: { path: `^src/replay/${feature}/`, pathNot: `^src/replay/${feature}/index[.]ts$` },
  })),
  {
    name: 'replay-shared-below-features',
    comment: 'replay/shared is used by the features and imports none of them',
    severity: 'error',
    from: { path: '^src/replay/shared/' },
    to: { path: `^src/replay/(${REPLAY_FEATURES.join('|')}|index[.]ts|service)` },
  },
];

export default {
  forbidden: [
    ...upward,
    ...sideways,
    ...replayRooms,
    { name: 'no-cycle', severity: 'error', from: {}, to: { circular: true } },
    { name: 'no-folder-cycle', severity: 'error', scope: 'folder', from: {}, to: { circular: true } },
    {
      name: 'api-reads-through-application',
      comment: 'HTTP sees use cases and queries through Application only: no store/, no read-model query or table',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: ['^src/store/', '^src/application/(queries|read-model)/'] },
    },
  ],
  options: {
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type that must come from above is a layering leak too.
    tsPreCompilationDeps: true,
  },
};
