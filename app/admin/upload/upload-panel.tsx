"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { PreviewTable } from "./preview-table";
import { sampleOf } from "./sample";
import type { PreviewResponse, Result } from "./upload.types";
import { UploadResult } from "./upload-result";

export interface PresetInfo {
  name: string;
  label: string;
  cannotKnow: string[];
  mapping: string;
}

const FORMATS = [
  ["auto", "Detect from the file"],
  ["canonical", "Canonical CSV"],
  ["ndjson", "Canonical NDJSON"],
  ["json", "Canonical JSON array"],
  ["zendesk", "Zendesk ticket export (CSV)"],
  ["freshdesk", "Freshdesk ticket export (CSV)"],
  ["intercom", "Intercom conversations (NDJSON / JSON)"],
] as const;
const PRESET_NAMES = new Set(["zendesk", "freshdesk", "intercom"]);

export function UploadPanel({ presets, maxBytes }: { presets: PresetInfo[]; maxBytes: number }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState("auto");
  const [mapping, setMapping] = useState<Record<string, string>>(Object.fromEntries(presets.map((p) => [p.name, p.mapping])));
  const [preview, setPreview] = useState<PreviewResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState(0);
  const [rows, setRows] = useState(0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const effective = format !== "auto" ? format : preview?.format ?? null;
  const preset = effective && PRESET_NAMES.has(effective) ? presets.find((p) => p.name === effective) : undefined;

  async function runPreview(f: File, fmt = format) {
    setProblem(null);
    setResult(null);
    setPreview(null);
    if (f.size > maxBytes) {
      setProblem(`This file is ${(f.size / 1024 / 1024).toFixed(1)} MB; the limit is ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`);
      return;
    }
    const { text, whole } = await sampleOf(f).catch(() => ({ text: "", whole: true }));
    const params = new URLSearchParams({ format: fmt, whole: String(whole) });
    const fmtForMapping = fmt !== "auto" ? fmt : null;
    if (fmtForMapping && PRESET_NAMES.has(fmtForMapping)) params.set("mapping", mapping[fmtForMapping]);
    const res = await fetch(`/api/v1/uploads/preview?${params}`, { method: "POST", body: text });
    const body = await res.json();
    if (!res.ok) setProblem(body.error?.message ?? `preview failed (${res.status})`);
    else setPreview(body);
  }

  function choose(f: File | undefined) {
    if (!f) return;
    setFile(f);
    void runPreview(f);
  }

  function upload() {
    if (!file) return;
    let parsedMapping: string | undefined;
    if (preset) {
      try {
        JSON.parse(mapping[preset.name]);
        parsedMapping = mapping[preset.name];
      } catch {
        setProblem("The mapping is not valid JSON.");
        return;
      }
    }
    setBusy(true);
    setProblem(null);
    setResult(null);
    setSent(0);
    setRows(0);
    const params = new URLSearchParams({ format: effective ?? "auto", file_name: file.name });
    if (parsedMapping) params.set("mapping", parsedMapping);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/uploads?${params}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && setSent(e.loaded / e.total);
    let seen = 0;
    const consume = (final: boolean) => {
      const text = xhr.responseText;
      const lines = text.slice(seen).split("\n");
      const complete = final ? lines : lines.slice(0, -1);
      seen += complete.reduce((n, l) => n + l.length + 1, 0);
      for (const line of complete) {
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.type === "progress") setRows(msg.rows);
        if (msg.type === "result") {
          setResult(msg);
          setRows(msg.accepted + msg.duplicates + msg.rejected.length);
        }
        if (msg.type === "error") setProblem(`${msg.message}${msg.rejected ? ` (${msg.rejected.length} rejected rows, nothing stored)` : ""}`);
      }
    };
    xhr.onprogress = () => consume(false);
    xhr.onload = () => {
      setBusy(false);
      setSent(1);
      if (xhr.status !== 200) {
        try {
          setProblem(JSON.parse(xhr.responseText).error.message);
        } catch {
          setProblem(`upload failed (${xhr.status})`);
        }
      } else consume(true);
      router.refresh();
    };
    xhr.onerror = () => {
      setBusy(false);
      setProblem("The connection failed during the upload.");
    };
    xhr.send(file);
  }

  return (
    <section className="mt-6 space-y-5" aria-label="Upload a file">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          choose(e.dataTransfer.files[0]);
        }}
        className={`rounded-lg border-2 border-dashed p-6 text-center ${dragging ? "border-blue-700 bg-blue-50" : "border-slate-300 bg-white"}`}
      >
        <p className="text-sm text-slate-700">Drop a file here, or</p>
        <label className="mt-2 inline-block cursor-pointer rounded bg-blue-800 px-3 py-2 text-sm font-medium text-white focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-blue-700 hover:bg-blue-900">
          Choose a file
          <input ref={input} type="file" className="sr-only" accept=".csv,.ndjson,.jsonl,.json,.gz,text/csv,application/json" onChange={(e) => choose(e.target.files?.[0])} data-testid="upload-input" />
        </label>
        {file && <p className="mt-2 text-sm text-slate-600" data-testid="upload-file">{file.name} · {(file.size / 1024).toFixed(1)} KB</p>}
      </div>

      <div className="flex flex-wrap items-end gap-4">
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Format</span>
          <select
            value={format}
            onChange={(e) => {
              setFormat(e.target.value);
              if (file) void runPreview(file, e.target.value);
            }}
            className="mt-1 rounded border border-slate-300 bg-white px-2 py-1.5"
          >
            {FORMATS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        {preview && (
          <p className="text-sm text-slate-700" data-testid="detected-format">
            Detected: <strong>{preview.detected ?? "unknown"}</strong>{effective ? <> · reading as <strong>{effective}</strong></> : null}
          </p>
        )}
      </div>

      {preview?.warnings.length ? (
        <ul className="space-y-1 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="preview-warnings">
          {preview.warnings.map((w) => <li key={w}>⚠ {w}</li>)}
        </ul>
      ) : null}
      {preview?.error && <p className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900" role="alert">✖ {preview.error}</p>}

      {preset && (
        <div className="rounded border border-slate-200 bg-white p-4">
          <h2 className="text-base font-semibold">{preset.label}: mapping</h2>
          <p className="mt-1 text-sm text-slate-600">Saved for the next {preset.name} upload. See docs/presets.md for every option (channels, which tags mean the AI took part, time zone).</p>
          <label className="mt-2 block text-sm">
            <span className="sr-only">Mapping (JSON)</span>
            <textarea
              value={mapping[preset.name]}
              onChange={(e) => setMapping({ ...mapping, [preset.name]: e.target.value })}
              rows={10}
              spellCheck={false}
              className="w-full rounded border border-slate-300 p-2 font-mono text-xs"
            />
          </label>
          <button type="button" onClick={() => file && runPreview(file, preset.name)} className="mt-2 rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
            Preview with this mapping
          </button>
          <details className="mt-3 text-sm text-slate-700">
            <summary className="cursor-pointer">What this export cannot tell (those metrics show “not available”)</summary>
            <ul className="mt-2 list-disc pl-5">{preset.cannotKnow.map((c) => <li key={c}>{c}</li>)}</ul>
          </details>
        </div>
      )}

      {preview && preview.rows.length > 0 && <PreviewTable rows={preview.rows} />}

      <div className="flex flex-wrap items-center gap-4">
        <button
          type="button"
          onClick={upload}
          disabled={!file || busy || !effective}
          className="rounded bg-blue-800 px-4 py-2 text-sm font-medium text-white hover:bg-blue-900 disabled:cursor-not-allowed disabled:bg-slate-400"
        >
          {busy ? "Importing…" : "Import"}
        </button>
        {(busy || result) && (
          <div className="min-w-64 flex-1 space-y-1 text-sm" data-testid="upload-progress">
            <label className="block">Sent <progress value={sent} max={1} className="ml-2 w-48 align-middle" /> {(sent * 100).toFixed(0)} %</label>
            <p>Rows processed: <span className="tabular-nums" data-testid="rows-processed">{rows.toLocaleString("en-US")}</span></p>
          </div>
        )}
      </div>

      {problem && <p className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900" role="alert" data-testid="upload-error">✖ {problem}</p>}

      {result && <UploadResult result={result} fileName={file?.name ?? "upload"} />}
    </section>
  );
}
