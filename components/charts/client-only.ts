"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False on the server and during hydration, true once the page runs in the browser. The charts
 * draw only then: recharts measures its container, so a server render could only produce an
 * empty box, and rendering a dozen chart trees per request was most of a dashboard page's CPU.
 */
export function useInBrowser(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
