// text and jsonb refuse U+0000, jsonb a lone surrogate: checked at the edge so such text is a 400, not a 500.

export interface BadText {
  readonly pointer: string;
  readonly message: string;
}

const escapePointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/** JSON.stringify escapes both, so without a \u escape in its output there is nothing to look for. */
function mayHoldBadText(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return /\\u(?:0000|d[89a-f])/i.test(JSON.stringify(value) ?? '');
}

/** `skip`: subtrees their owner judges. A loop, not recursion: a body nested thousands deep must not overflow. */
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
