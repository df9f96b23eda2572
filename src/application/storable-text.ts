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
 * A quick pass over large values: JSON.stringify writes U+0000 and lone surrogates as \u escapes, so
 * without such an escape in its output there is nothing to look for (a false alarm only costs the walk).
 */
function mayHoldBadText(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return /\\u(?:0000|d[89a-f])/i.test(JSON.stringify(value) ?? '');
}

/**
 * Every string and object key in a JSON-like value that cannot be stored, as JSON pointers. `skip`
 * says which subtrees to leave out (their owner judges them, e.g. usage records one by one). A loop,
 * not recursion: a body nested thousands deep must not overflow the stack.
 */
export function badTexts(value: unknown, skip: (pointer: string) => boolean = () => false): BadText[] {
  if (!mayHoldBadText(value)) return [];
  const found: BadText[] = [];
  const pending: [unknown, string][] = [[value, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, pointer] = next;
    if (typeof item === 'string') {
      const message = textProblem(item);
      if (message) found.push({ pointer, message });
    } else if (typeof item === 'object' && item !== null && !skip(pointer)) {
      for (const [key, child] of Object.entries(item)) {
        const at = `${pointer}/${escapePointer(key)}`;
        const keyProblem = textProblem(key);
        if (keyProblem) found.push({ pointer: at, message: `key ${keyProblem}` });
        else pending.push([child, at]);
      }
    }
  }
  return found.sort((a, b) => (a.pointer < b.pointer ? -1 : 1));
}
