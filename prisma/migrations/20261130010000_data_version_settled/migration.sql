-- The data version of the newest write every reader must see at once (an API post, an erasure,
-- a finished import). The parts a big import commits before it finishes bump `version` only:
-- until the import settles, a dashboard may answer from the previous part while it recomputes
-- (docs/scaling.md, "Viewers while an import runs").
ALTER TABLE "data_version" ADD COLUMN "settled" BIGINT NOT NULL DEFAULT 0;
UPDATE "data_version" SET "settled" = "version";
