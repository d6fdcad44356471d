import { prisma } from "../db/prisma";
import { PRESETS, type PresetName } from "./presets";
import { IngestParseError } from "./types";

/**
 * The mapping choices an admin made for a helpdesk preset (Via → channel, which tags mean the
 * AI took part, time zone…), saved per preset under settings key `mapping:<preset>` and reused
 * by the next upload or CLI ingest.
 */
const key = (preset: PresetName) => `mapping:${preset}`;

export async function savedMapping(preset: PresetName): Promise<unknown> {
  const row = await prisma().setting.findUnique({ where: { key: key(preset) } });
  return row?.value ?? {};
}

/** Validate with the preset's schema (errors name the mapping field), then store. */
export async function saveMapping(preset: PresetName, mapping: unknown, updatedBy: string): Promise<unknown> {
  const parsed = PRESETS[preset].mappingSchema.safeParse(mapping);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IngestParseError(`mapping.${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const value = mapping as object;
  await prisma().setting.upsert({
    where: { key: key(preset) },
    create: { key: key(preset), value, updatedBy },
    update: { value, updatedBy, updatedAt: new Date() },
  });
  return parsed.data;
}
