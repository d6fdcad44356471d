-- Initial schema: raw events, derived conversations, imports, auth, settings.

CREATE TABLE "imports" (
    "id" BIGSERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "file_name" TEXT,
    "created_by" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected_count" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "imports_started_at_idx" ON "imports"("started_at");

CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "event_key" TEXT NOT NULL,
    "event_id" TEXT,
    "conversation_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "customer_id" TEXT,
    "channel" TEXT,
    "topic" TEXT,
    "customer_tier" TEXT,
    "confident" BOOLEAN,
    "agent_id" TEXT,
    "reason" TEXT,
    "context_transferred" BOOLEAN,
    "by" TEXT,
    "score" SMALLINT,
    "actor" TEXT,
    "seconds" DOUBLE PRECISION,
    "outcome" TEXT,
    "accurate" BOOLEAN,
    "policy_compliant" BOOLEAN,
    "safety_incident" BOOLEAN,
    "cause" TEXT,
    "import_id" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "events_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "events_event_key_key" ON "events"("event_key");
CREATE INDEX "events_conversation_id_idx" ON "events"("conversation_id");
CREATE INDEX "events_at_idx" ON "events"("at");
CREATE INDEX "events_import_id_idx" ON "events"("import_id");

CREATE TABLE "conversations" (
    "conversation_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "customer_id" TEXT,
    "channel" TEXT,
    "topic" TEXT,
    "customer_tier" TEXT,
    "ai_involved" BOOLEAN NOT NULL,
    "human_involved" BOOLEAN NOT NULL,
    "population" TEXT NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "resolved" BOOLEAN NOT NULL,
    "resolved_by" TEXT,
    "reopened" BOOLEAN NOT NULL,
    "next_contact_at" TIMESTAMPTZ(3),
    "first_response_s" DOUBLE PRECISION,
    "human_first_response_s" DOUBLE PRECISION,
    "escalated_at" TIMESTAMPTZ(3),
    "escalation_reason" TEXT,
    "context_transferred" BOOLEAN,
    "escalation_wait_s" DOUBLE PRECISION,
    "ai_handle_s" DOUBLE PRECISION NOT NULL,
    "human_handle_s" DOUBLE PRECISION NOT NULL,
    "csat_score" SMALLINT,
    "surveyed" BOOLEAN NOT NULL,
    "ai_messages" INTEGER NOT NULL,
    "ai_unconfident_messages" INTEGER NOT NULL,
    "drafts" INTEGER NOT NULL,
    "drafts_rejected_or_edited" INTEGER NOT NULL,
    "qa_reviews" INTEGER NOT NULL,
    "qa_inaccurate" INTEGER NOT NULL,
    "qa_policy_set" INTEGER NOT NULL,
    "qa_policy_compliant" INTEGER NOT NULL,
    "qa_safety_incidents" INTEGER NOT NULL,
    "overrides" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "start_conflicts" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "conversations_pkey" PRIMARY KEY ("conversation_id")
);
CREATE INDEX "conversations_started_at_idx" ON "conversations"("started_at");
CREATE INDEX "conversations_customer_id_started_at_idx" ON "conversations"("customer_id", "started_at");

CREATE TABLE "users" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "sessions" (
    "id" BIGSERIAL NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

CREATE TABLE "api_keys" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"("name");
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);
