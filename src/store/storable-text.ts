// Text PostgreSQL (and PGlite) can hold: text and jsonb refuse U+0000, and jsonb refuses a lone UTF-16
// surrogate ("\ud800"). Input is checked against this at the edge so such text is a 400, not a 500.

export interface BadText {
  /** JSON pointer of the string (or of the object whose key is at fault) within the value. */
  readonly pointer: string;
  readonly message: string;
}

const escapePointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/**
 * Every string and object key in a JSON-like value that cannot be stored, as JSON pointers. `skip`
 * says which subtrees to leave out (their owner judges them, e.g. usage records one by one).
 */
export function badTexts(value: unknown, skip: (pointer: string) => boolean = () => false, pointer = ''): BadText[] {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? [{ pointer, message }] : [];
  }
  if (typeof value !== 'object' || value === null || skip(pointer)) return [];
  const found: BadText[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => found.push(...badTexts(item, skip, `${pointer}/${i}`)));
    return found;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${pointer}/${escapePointer(key)}`;
    const keyProblem = textProblem(key);
    if (keyProblem) found.push({ pointer: at, message: `key ${keyProblem}` });
    else found.push(...badTexts(item, skip, at));
  }
  return found;
}
