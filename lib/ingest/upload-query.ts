import { z } from "zod";
import { INGEST_FORMATS } from "./types";

/** Query parameters shared by the upload routes. */
export const ZUploadQuery = z
  .object({
    format: z.enum(["auto", ...INGEST_FORMATS], { error: `must be auto or one of ${INGEST_FORMATS.join(", ")}` }).optional(),
    file_name: z.string().max(255, { error: "at most 255 characters" }).optional(),
    atomic: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    whole: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    mapping: z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON object" });
          return z.NEVER;
        }
      })
      .optional(),
  })
  .strict();
