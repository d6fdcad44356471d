/** `path?search&extra` with empty parts left out (no server imports: client components use it too). */
export function withSearch(path: string, search: string, extra?: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams(search);
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined || v === null || v === "") params.delete(k);
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
