import { Notice } from './forms';
import type { ApiData } from './useApiData';

/** What a page shows before its data is there: a loading line, or why it could not load. */
export function LoadingOrError({ resource }: { resource: ApiData<unknown> }) {
  if (resource.error) return <Notice kind="error">{resource.error}</Notice>;
  return (
    <p className="loading" role="status">
      Loading…
    </p>
  );
}
