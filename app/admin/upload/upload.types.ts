/** What the upload endpoints answer (app/api/v1/uploads and uploads/preview), as the upload panel reads it. */
export type Rejected = { line?: number; index?: number; field: string; reason: string };
export interface PreviewResponse {
  detected: string | null;
  format: string | null;
  rows: { pos: { line?: number; index?: number }; event?: Record<string, unknown>; rejection?: { field: string; reason: string } }[];
  warnings: string[];
  error?: string;
  cannotKnow: string[];
}
export interface Result { accepted: number; duplicates: number; rejected: Rejected[]; duration_ms: number; format: string }
