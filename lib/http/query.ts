import type { z } from "zod";
import { ParameterError, parseQuery, searchParamsToRecord } from "../metrics/request";
import { badRequest } from "./responses";

/**
 * Run a read route: its query string validated with the route's zod schema, and any parameter
 * error — from parsing or from resolving defaults (from after to) — answered with 400 naming it.
 */
export async function queryRoute<S extends z.ZodType>(
  req: Request,
  schema: S,
  run: (query: z.infer<S>) => Promise<Response>,
): Promise<Response> {
  try {
    return await run(parseQuery(schema, searchParamsToRecord(new URL(req.url).searchParams)));
  } catch (e) {
    if (e instanceof ParameterError) return badRequest(e.message, { parameter: e.parameter });
    throw e;
  }
}

/** The query string validated with the schema, or the 400 naming the parameter (routes that resolve nothing later). */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> | Response {
  try {
    return parseQuery(schema, searchParamsToRecord(new URL(req.url).searchParams));
  } catch (e) {
    if (e instanceof ParameterError) return badRequest(e.message, { parameter: e.parameter });
    throw e;
  }
}
