import { Type } from 'typebox';

export const WarmBody = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        keys: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
            maxItems: 10_000,
            description: 'cache keys such as customer:<id>; absent = the hottest keys this instance knows',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'no body (warm the hottest keys), or {keys}' },
);

export const WarmResult = Type.Object({
  loaded: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer({ description: 'keys no registered loader knows' }),
});

const LevelStats = Type.Object({
  hits: Type.Integer(),
  misses: Type.Integer(),
  hitRatio: Type.Number({ description: 'hits / (hits + misses); 0 before the first request' }),
});

const Counts = Type.Record(Type.String(), Type.Integer());

export const CacheStats = Type.Object(
  {
    redis: Type.Union([Type.Literal('disabled'), Type.Literal('ready'), Type.Literal('down')]),
    levels: Type.Object({ l1: LevelStats, l2: LevelStats }),
    caches: Type.Record(Type.String(), Type.Object({ l1: LevelStats, l2: LevelStats, loads: Type.Integer() })),
    entries: Type.Object({ l1: Type.Integer() }),
    loads: Type.Integer(),
    invalidations: Counts,
    errors: Counts,
    warming: Type.Object({
      state: Type.Union([Type.Literal('idle'), Type.Literal('running')]),
      runs: Type.Integer(),
      trackedKeys: Type.Integer(),
      last: Type.Optional(
        Type.Object({
          loaded: Type.Integer(),
          failed: Type.Integer(),
          skipped: Type.Integer(),
          startedAt: Type.String(),
          durationMs: Type.Number(),
        }),
      ),
    }),
  },
  { description: "This instance's cache: hit ratio per level and per key family, invalidations by source" },
);
