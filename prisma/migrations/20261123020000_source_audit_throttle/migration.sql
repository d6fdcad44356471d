-- Where a conversation's start came from (canonical events or a helpdesk preset), so a metric
-- whose inputs that source cannot produce says "not available" instead of 0.
ALTER TABLE "conversations" ADD COLUMN "source" TEXT;

-- Who did what, when: uploads, settings, users and roles, keys, erasures.
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- Failed sign-ins, for rate limiting and lockout.
CREATE TABLE "auth_failures" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "auth_failures_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "auth_failures_key_at_idx" ON "auth_failures"("key", "at");
