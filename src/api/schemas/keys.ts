import { Type } from 'typebox';

const Role = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);
const Timestamp = Type.String({ format: 'date-time' });

export const CreateKeyBody = Type.Object(
  {
    role: Role,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'default: "<role> key"' })),
  },
  { additionalProperties: false },
);

export const KeyParams = Type.Object(
  { keyId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const KeyListQuery = Type.Object(
  { includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'also list revoked keys' })) },
  { additionalProperties: false },
);

export const KeyInfo = Type.Object({
  keyId: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'updated at most once a minute' }),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedKey = Type.Object({
  keyId: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Timestamp,
  key: Type.String({ description: 'the key itself: shown this once, only its hash is stored' }),
});

export const KeyList = Type.Object({ items: Type.Array(KeyInfo) });
