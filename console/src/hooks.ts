// An API call from a page: clears the last problem, runs, keeps the problem's detail when it fails.
import { useState } from 'preact/hooks';

export function useProblem() {
  const [error, setError] = useState<string | null>(null);
  const attempt = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    }
  };
  return { error, setError, attempt };
}
