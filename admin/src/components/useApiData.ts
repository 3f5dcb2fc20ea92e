// Loads one API resource for a page, with the states every page shows:
// loading, the data, or why it could not be loaded (a 403 included).
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api';

export interface ApiData<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload(): void;
  /** Replaces the data with what a save answered, without loading it again. */
  setData(data: T): void;
}

export function useApiData<T>(path: string): ApiData<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path).then(
      (data) => current && setState({ data, loading: false }),
      (err) => current && setState({ error: errorMessage(err), loading: false }),
    );
    // A page left or a path changed before the answer came: ignore the late answer.
    return () => {
      current = false;
    };
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((data: T) => setState({ data, loading: false }), []);
  return { ...state, reload, setData };
}
