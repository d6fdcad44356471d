/**
 * A realistic, deterministic synthetic event stream (events.md shape) for demos and benchmarks:
 * the public face of the generator. The schedule (`schedule.ts`) decides when conversations start
 * and who comes back, the simulator (`simulator.ts`) plays each one out, and a renderer
 * (`render.ts`) turns its events into objects, JSON lines or CSV rows. Streaming, with memory
 * bounded independently of the number of conversations; the same options always give the same
 * sequence.
 */
import { build, csvLine, demoCsvHeader, jsonLine, type DemoEvent } from "./render";
import { walk, type DemoOptions } from "./schedule";

export type { DemoEvent, DemoOptions };
export { demoCsvHeader, demoEventToCsvRow } from "./render";

/**
 * The demo event stream: `opts.conversations` conversations starting over [now − days, now]
 * (weekday/hour-of-day shaped), each yielded as its events in time order; conversations in
 * roughly start order. Events that would happen after `now` are not (yet) emitted.
 */
export function generateDemoEvents(opts: DemoOptions): Generator<DemoEvent> {
  return walk(opts, build);
}

/** One JSON line per event, each ending in "\n" (NDJSON); the same events as generateDemoEvents. */
export function demoEventsToNdjson(opts: DemoOptions): Generator<string> {
  return walk(opts, jsonLine);
}

/** The header line, then one canonical CSV row per event (fast path, no intermediate objects). */
export function* demoEventsToCsv(opts: DemoOptions): Generator<string> {
  yield demoCsvHeader;
  yield* walk(opts, csvLine);
}
