// What every form does around its API call: busy while it runs, and when the
// API refuses, its sentence for the page and its messages for the fields.
import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from '../api';

export interface Problem {
  message: string;
  /** Messages by field key, as the API names them. */
  fields: Record<string, string>;
}

export function problemOf(err: unknown): Problem {
  return { message: errorMessage(err), fields: err instanceof ApiError ? err.fields : {} };
}

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  /** Runs the call; true when it worked, false when the problem is now shown. */
  const submit = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setProblem(problemOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, problem, setProblem, submit };
}
