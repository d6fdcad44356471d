"use client";

import type { Rejected, Result } from "./upload.types";
import { where } from "./where";

function rejectedCsv(rows: Rejected[]): string {
  const esc = (v: unknown) => {
    const t = String(v ?? "").replace(/^([=+\-@])/, "'$1");
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return "line,index,field,reason\r\n" + rows.map((r) => [r.line, r.index, r.field, r.reason].map(esc).join(",")).join("\r\n") + "\r\n";
}

/** What an import stored and rejected, with the rejected rows to read or download. */
export function UploadResult({ result, fileName }: { result: Result; fileName: string }) {
  function downloadRejected() {
    const url = URL.createObjectURL(new Blob([rejectedCsv(result.rejected)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${fileName}-rejected.csv`;
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="rounded border border-slate-200 bg-white p-4" data-testid="upload-result">
      <p className="text-sm">
        <strong data-testid="result-accepted">{result.accepted.toLocaleString("en-US")}</strong> accepted ·{" "}
        <strong data-testid="result-duplicates">{result.duplicates.toLocaleString("en-US")}</strong> duplicates ·{" "}
        <strong data-testid="result-rejected">{result.rejected.length.toLocaleString("en-US")}</strong> rejected · {(result.duration_ms / 1000).toFixed(1)} s
      </p>
      {result.rejected.length > 0 && (
        <>
          <button type="button" onClick={downloadRejected} className="mt-3 rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
            Download rejected rows (CSV)
          </button>
          <div className="mt-3 max-h-96 overflow-auto">
            <table className="min-w-full text-sm" data-testid="rejected-table">
              <thead className="bg-slate-100 text-left">
                <tr><th scope="col" className="px-2 py-1">Where</th><th scope="col" className="px-2 py-1">Field</th><th scope="col" className="px-2 py-1">Reason</th></tr>
              </thead>
              <tbody>
                {result.rejected.slice(0, 500).map((r, i) => (
                  <tr key={i} className="border-t border-slate-100">
                    <td className="px-2 py-1 whitespace-nowrap">{where(r)}</td>
                    <td className="px-2 py-1">{r.field}</td>
                    <td className="px-2 py-1">{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {result.rejected.length > 500 && <p className="mt-2 text-sm text-slate-600">First 500 shown; the CSV has all {result.rejected.length}.</p>}
          </div>
        </>
      )}
    </div>
  );
}
