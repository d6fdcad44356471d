import { z } from "zod";
import { ZAuditQuery } from "../audit";
import { ZConversationListQuery } from "../conversations/query";
import { ZUploadQuery } from "../ingest/upload-query";
import { OWN_FIELDS, ZCommonFields } from "../events/schema";
import { EVENT_TYPES } from "../events/vocabulary";
import { ZMetricsQuery } from "../metrics/request";
import { ZTimeseriesQuery } from "../metrics/timeseries";
import { ZMetricsResponse } from "../metrics/types";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with
 * (query parameters, event bodies) and the response schemas the responses are tested against.
 */
const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;

const DESCRIPTIONS: Record<string, string> = {
  from: "first day (UTC, inclusive) of started_at; default: 27 days before `to`",
  to: "last day (UTC, inclusive); default: the date of as_of",
  channel: "comma-separated channels",
  population: "comma-separated populations",
  customer_tier: "comma-separated tiers",
  topic: "comma-separated topics",
  group_by: "comma-separated: channel, population, customer_tier",
  as_of: "ISO timestamp with offset; default: latest stored event",
  recontact_hours: "re-contact window in hours (default 48)",
  verification_hours: "verification window in hours (default 72)",
  metric: "a rate key",
  interval: "day, week or month (default day)",
  side: "numerator, denominator or pending: which conversations of the metric to list",
};

function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const s = jsonSchema(field as z.ZodType);
    delete s.$schema;
    return { name, in: "query", required: !(field as z.ZodType).safeParse(undefined).success, description: DESCRIPTIONS[name], schema: s };
  });
}

const ZRejected = z.object({
  line: z.number().int().optional().describe("1-based CSV/NDJSON line (header = line 1)"),
  index: z.number().int().optional().describe("0-based index in a JSON array"),
  field: z.string(),
  reason: z.string(),
});
const ZIngestResponse = z.object({ accepted: z.number().int(), duplicates: z.number().int(), rejected: z.array(ZRejected) });
const ZError = z.object({ error: z.object({ code: z.string(), message: z.string(), parameter: z.string().optional(), rejected: z.array(ZRejected).optional() }) });
const ZTimeseriesResponse = z.array(z.object({
  start: z.string(), numerator: z.number().int(), denominator: z.number().int(), value: z.number().nullable(), pending: z.number().int().optional(),
}));
const ZEvent = z.union(EVENT_TYPES.map((t) => ZCommonFields.extend({ type: z.literal(t) }).extend(OWN_FIELDS[t].shape)));

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: "bad input; the message names the parameter, line or field",
  401: "no or invalid credentials",
  403: "the role or key scope does not allow this call",
  413: "body over the size limit",
  415: "unsupported Content-Type",
  503: "database unreachable",
};

export function openApiDocument() {
  const strip = (s: Record<string, unknown>) => {
    delete s.$schema;
    return s;
  };
  return {
    openapi: "3.1.0",
    info: { title: "Hybrid Support Dashboard API", version: "1.0.0", description: "Contract: events.md, metrics.md, api.md." },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API key created by an admin (scopes ingest, read)" },
        session: { type: "apiKey", in: "cookie", name: "hsd_session" },
      },
      schemas: {
        Event: strip(jsonSchema(ZEvent)),
        IngestResponse: strip(jsonSchema(ZIngestResponse)),
        MetricsResponse: strip(jsonSchema(ZMetricsResponse)),
        TimeseriesResponse: strip(jsonSchema(ZTimeseriesResponse)),
        Error: strip(jsonSchema(ZError)),
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      "/api/v1/events": {
        post: {
          summary: "Ingest events (scope ingest)",
          parameters: [{ name: "atomic", in: "query", required: false, description: "true: store nothing if any event is invalid", schema: { type: "string", enum: ["true", "false"] } }],
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Event" } } },
              "application/x-ndjson": { schema: { type: "string", description: "one Event per line" } },
              "text/csv": { schema: { type: "string", description: "canonical CSV (events.md)" } },
            },
          },
          responses: {
            "200": { description: "stored", content: { "application/json": { schema: { $ref: "#/components/schemas/IngestResponse" } } } },
            ...errors(400, 401, 403, 413, 415),
          },
        },
      },
      "/api/v1/events/export": {
        get: {
          summary: "Every stored event as canonical CSV or NDJSON, re-importable (scope read)",
          parameters: [{ name: "format", in: "query", required: false, schema: { type: "string", enum: ["canonical", "ndjson"] } }],
          responses: {
            "200": { description: "stream", content: { "text/csv": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } } },
            ...errors(400, 401, 403),
          },
        },
      },
      "/api/v1/metrics": {
        get: {
          summary: "Metrics per segment (scope read)",
          parameters: queryParameters(ZMetricsQuery),
          responses: {
            "200": { description: "metrics", content: { "application/json": { schema: { $ref: "#/components/schemas/MetricsResponse" } } } },
            ...errors(400, 401, 403),
          },
        },
      },
      "/api/v1/metrics/timeseries": {
        get: {
          summary: "One rate per day, week or month (scope read)",
          parameters: queryParameters(ZTimeseriesQuery),
          responses: {
            "200": { description: "every bucket in range", content: { "application/json": { schema: { $ref: "#/components/schemas/TimeseriesResponse" } } } },
            ...errors(400, 401, 403),
          },
        },
      },
      "/api/v1/conversations.csv": {
        get: {
          summary: "The derived per-conversation table, streamed as CSV (scope read)",
          parameters: queryParameters(ZConversationListQuery.omit({ sort: true, dir: true, page: true, page_size: true })),
          responses: { "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } }, ...errors(400, 401, 403) },
        },
      },
      "/api/v1/uploads": {
        post: {
          summary: "Upload a file (admin session): canonical CSV/NDJSON/JSON or a helpdesk export, optionally .gz",
          parameters: queryParameters(ZUploadQuery.omit({ whole: true })),
          requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          responses: {
            "200": {
              description: 'NDJSON stream: {"type":"started"}, {"type":"progress","rows","bytes"}…, then {"type":"result",accepted,duplicates,rejected,…} or {"type":"error",status,message}',
              content: { "application/x-ndjson": { schema: { type: "string" } } },
            },
            ...errors(400, 401, 403, 413),
          },
        },
      },
      "/api/v1/uploads/preview": {
        post: {
          summary: "Preview the first bytes of an upload: detected format, first rows as events, warnings (admin session)",
          parameters: queryParameters(ZUploadQuery.omit({ file_name: true, atomic: true })),
          requestBody: { required: true, content: { "text/plain": { schema: { type: "string" } } } },
          responses: { "200": { description: "preview" }, ...errors(400, 401, 403, 413) },
        },
      },
      "/api/v1/audit": {
        get: {
          summary: "Audit log, newest first (admin session; API keys never get admin)",
          parameters: queryParameters(ZAuditQuery),
          responses: { "200": { description: "entries" }, ...errors(400, 401, 403) },
        },
      },
      "/api/v1/openapi.json": { get: { summary: "This document (any credentials)", responses: { "200": { description: "OpenAPI 3.1" }, ...errors(401) } } },
      "/api/health": {
        get: {
          summary: "Liveness and database status (no auth)",
          security: [],
          responses: { "200": { description: '{"status":"ok","database":"ok"}' }, ...errors(503) },
        },
      },
    },
  };
}
