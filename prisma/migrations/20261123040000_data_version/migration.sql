-- A counter every writer of events/derived rows bumps in its transaction, so readers can cache
-- metric results and know exactly when they went stale.
CREATE TABLE "data_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "data_version_pkey" PRIMARY KEY ("id")
);
INSERT INTO "data_version" ("id", "version") VALUES (1, 0);
