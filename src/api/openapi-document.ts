type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-11-24T10:00:00Z',
  date: '2026-11-01',
  email: 'ada.lovelace@example.com',
  uri: 'https://example.com/',
  uuid: '3f1c2b9e-5d4a-4e8f-9b7c-1a2b3c4d5e6f',
};

function exampleString(schema: Json): string {
  const format = typeof schema['format'] === 'string' ? FORMAT_EXAMPLES[schema['format']] : undefined;
  if (format) return format;
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 1;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 100;
  return 'example'.padEnd(min, 'x').slice(0, Math.max(max, 1));
}

function exampleNumber(schema: Json): number {
  if (typeof schema['minimum'] === 'number') return schema['minimum'];
  if (typeof schema['exclusiveMinimum'] === 'number') return Math.floor(schema['exclusiveMinimum']) + 1;
  if (typeof schema['maximum'] === 'number' && schema['maximum'] < 0) return schema['maximum'];
  return 0;
}

/** Optional properties only when `full` (responses) or given an example. Patterns need an explicit example. */
export function exampleOf(schema: unknown, full: boolean): unknown {
  if (!isObject(schema)) return null;
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  if ('example' in schema) return schema['example'];
  if ('const' in schema) return schema['const'];
  if ('default' in schema) return schema['default'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const union = (schema['anyOf'] ?? schema['oneOf']) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const member = union.find((m) => isObject(m) && m['type'] !== 'null') ?? union[0];
    return exampleOf(member, full);
  }
  const types = Array.isArray(schema['type']) ? schema['type'] : [schema['type']];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object':
      return exampleObject(schema, full);
    case 'array': {
      const minItems = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
      return Array.from({ length: Math.max(minItems, 1) }, () => exampleOf(schema['items'], full));
    }
    case 'string':
      return exampleString(schema);
    case 'integer':
    case 'number':
      return exampleNumber(schema);
    case 'boolean':
      return false;
    default:
      return isObject(schema['properties']) ? exampleObject(schema, full) : null;
  }
}

function exampleObject(schema: Json, full: boolean): Json {
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const example: Json = {};
  for (const [name, property] of Object.entries(properties)) {
    const hasOwn = isObject(property) && (Array.isArray(property['examples']) || 'example' in property);
    if (full || required.has(name) || hasOwn) example[name] = exampleOf(property, full);
  }
  return example;
}

function addExamples(content: unknown, full: boolean): void {
  if (!isObject(content)) return;
  for (const media of Object.values(content)) {
    if (isObject(media) && isObject(media['schema']) && !('example' in media) && !('examples' in media)) {
      media['example'] = exampleOf(media['schema'], full);
    }
  }
}

export function addOperationExamples(doc: Json): void {
  for (const path of Object.values(isObject(doc['paths']) ? doc['paths'] : {})) {
    for (const operation of Object.values(isObject(path) ? path : {})) {
      if (!isObject(operation)) continue;
      if (isObject(operation['requestBody'])) addExamples(operation['requestBody']['content'], false);
      for (const parameter of Array.isArray(operation['parameters']) ? operation['parameters'] : []) {
        if (!isObject(parameter) || 'example' in parameter) continue;
        const schema = parameter['schema'];
        if (parameter['required'] === true || (isObject(schema) && Array.isArray(schema['examples']))) {
          parameter['example'] = exampleOf(schema, false);
        }
      }
      for (const [status, response] of Object.entries(isObject(operation['responses']) ? operation['responses'] : {})) {
        if (status.startsWith('2') && isObject(response)) addExamples(response['content'], true);
      }
    }
  }
}

const isNull = (schema: unknown): boolean => isObject(schema) && schema['type'] === 'null';

/** A body schema admitting null means the body may be left out (the swagger plugin marks every body required). */
export function markOptionalBodies(doc: Json): void {
  for (const path of Object.values(isObject(doc['paths']) ? doc['paths'] : {})) {
    for (const operation of Object.values(isObject(path) ? path : {})) {
      const body = isObject(operation) ? operation['requestBody'] : undefined;
      if (!isObject(body) || !isObject(body['content'])) continue;
      const admitsNull = Object.values(body['content']).some((media) => {
        const anyOf = isObject(media) && isObject(media['schema']) ? media['schema']['anyOf'] : undefined;
        return Array.isArray(anyOf) && anyOf.some(isNull);
      });
      if (admitsNull) body['required'] = false;
    }
  }
}

function shape(schema: Json): Json {
  const { description: _d, examples: _e, example: _x, ...rest } = schema;
  return rest;
}

function hoist(node: unknown, components: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => hoist(item, components));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are data, not schemas: a `title` inside one is a value.
    out[key] = key === 'example' || key === 'examples' ? value : hoist(value, components);
  }
  const title = out['title'];
  if (typeof title !== 'string' || !('type' in out || 'anyOf' in out || 'enum' in out)) return out;
  const ref = `#/components/schemas/${title}`;
  const known = components[title] as Json | undefined;
  if (known === undefined) {
    components[title] = out;
    return { $ref: ref };
  }
  // The swagger plugin moves a body's examples to the media type, and `{ ...Money, description }` is still Money.
  if (JSON.stringify(shape(out)) !== JSON.stringify(shape(known))) {
    throw new Error(`two different schemas are named ${title} in the OpenAPI document`);
  }
  if (out['examples'] !== undefined && known['examples'] === undefined) components[title] = out;
  const description = out['description'];
  return description === undefined || description === known['description'] ? { $ref: ref } : { $ref: ref, description };
}

const PROBLEM_REF = '#/components/schemas/Problem';

function shareProblemResponses(paths: unknown, responses: Json): void {
  for (const path of Object.values(isObject(paths) ? paths : {})) {
    for (const operation of Object.values(isObject(path) ? path : {})) {
      const byStatus = isObject(operation) && isObject(operation['responses']) ? operation['responses'] : {};
      for (const [status, response] of Object.entries(byStatus)) {
        const content = isObject(response) && isObject(response['content']) ? response['content'] : {};
        const media = Object.entries(content);
        const [type, only] = media[0] ?? [];
        if (media.length !== 1 || type !== 'application/problem+json' || !isObject(only)) continue;
        if (!isObject(only['schema']) || only['schema']['$ref'] !== PROBLEM_REF || Object.keys(only).length !== 1)
          continue;
        responses[`Problem${status}`] = response;
        byStatus[status] = { $ref: `#/components/responses/Problem${status}` };
      }
    }
  }
}

export function finishDocument(doc: Json): Json {
  const copy = structuredClone(doc);
  markOptionalBodies(copy);
  addOperationExamples(copy);
  const existing = isObject(copy['components']) ? copy['components'] : {};
  const schemas: Json = { ...(isObject(existing['schemas']) ? existing['schemas'] : {}) };
  const paths = hoist(copy['paths'], schemas);
  const responses: Json = {};
  shareProblemResponses(paths, responses);
  const sorted = (record: Json) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return { ...copy, paths, components: { ...existing, schemas: sorted(schemas), responses: sorted(responses) } };
}
