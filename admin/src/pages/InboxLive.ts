// New messages appear without a reload: the inbox pages ask the API again
// every few seconds while the tab is visible (see conversation-routes.ts for
// why polling and not server-sent events), and at once when it becomes visible.
import { useEffect, useRef } from 'react';

export const LIST_POLL_MS = 4_000;
export const CONVERSATION_POLL_MS = 3_000;

/** Calls `poll` every `intervalMs` while the page is visible; a poll still running is not started again. */
export function usePoll(poll: () => Promise<unknown>, intervalMs: number): void {
  const latest = useRef(poll);
  latest.current = poll;

  useEffect(() => {
    let running = false;
    const tick = () => {
      if (running || document.visibilityState !== 'visible') return;
      running = true;
      // Each poll shows its own failure (the pages' notices); here it only has to end.
      void latest
        .current()
        .catch(() => undefined)
        .finally(() => (running = false));
    };
    const timer = window.setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [intervalMs]);
}
