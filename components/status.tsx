import type { TargetStatus } from "@/lib/settings/targets";

/**
 * Target status as icon + word + colour (never colour alone), in a blue/orange palette that
 * survives the common colour-vision deficiencies.
 */
const STYLES: Record<TargetStatus, { icon: string; label: string; className: string }> = {
  met: { icon: "✓", label: "Met", className: "border-blue-300 bg-blue-50 text-blue-900" },
  warning: { icon: "!", label: "Warning", className: "border-amber-400 bg-amber-50 text-amber-900" },
  missed: { icon: "✕", label: "Missed", className: "border-orange-500 bg-orange-100 text-orange-950" },
  no_data: { icon: "–", label: "No data", className: "border-slate-300 bg-slate-50 text-slate-700" },
};

export function StatusBadge({ status, target, testId }: { status: TargetStatus; target?: string; testId?: string }) {
  const s = STYLES[status];
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-flex max-w-full items-start gap-1.5 rounded-xl border px-2 py-0.5 text-xs font-semibold ${s.className}`}
    >
      <span aria-hidden="true" className="mt-px inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-full bg-white/70 text-[0.7rem] leading-none">
        {s.icon}
      </span>
      <span>
        {s.label}
        {target ? <span className="font-normal"> · target {target}</span> : null}
      </span>
    </span>
  );
}

/** A band status for planning ranges: below / within / above. */
export function BandBadge({ value, min, max }: { value: number | null; min: number; max: number }) {
  if (value === null) return <StatusBadge status="no_data" />;
  if (value < min)
    return (
      <span data-status="below" className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border border-orange-500 bg-orange-100 px-2 py-0.5 text-xs font-semibold text-orange-950">
        <span aria-hidden="true">▼</span> Below range
      </span>
    );
  if (value > max)
    return (
      <span data-status="above" className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border border-amber-400 bg-amber-50 px-2 py-0.5 text-xs font-semibold text-amber-900">
        <span aria-hidden="true">▲</span> Above range
      </span>
    );
  return (
    <span data-status="within" className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border border-blue-300 bg-blue-50 px-2 py-0.5 text-xs font-semibold text-blue-900">
      <span aria-hidden="true">✓</span> Within range
    </span>
  );
}
