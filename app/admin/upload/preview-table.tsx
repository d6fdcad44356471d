import type { PreviewResponse } from "./upload.types";
import { where } from "./where";

/** The file's first rows as the importer reads them: events, or why a row would be rejected. */
export function PreviewTable({ rows }: { rows: PreviewResponse["rows"] }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-xs" data-testid="preview-table">
        <caption className="px-3 py-2 text-left text-sm font-medium">First rows as events</caption>
        <thead className="bg-slate-100 text-left">
          <tr><th scope="col" className="px-2 py-1">Where</th><th scope="col" className="px-2 py-1">Event</th></tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="border-t border-slate-100 align-top">
              <td className="px-2 py-1 whitespace-nowrap">{where(r.pos)}</td>
              <td className="px-2 py-1 font-mono">
                {r.event ? JSON.stringify(r.event) : <span className="text-red-800">rejected — {r.rejection?.field}: {r.rejection?.reason}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
