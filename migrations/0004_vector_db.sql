CREATE TABLE "vector_chunks" (
	"id" text PRIMARY KEY NOT NULL,
	"vector_database_id" text NOT NULL,
	"user_id" text NOT NULL,
	"file_id" text NOT NULL,
	"record_id" text NOT NULL,
	"filename" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"tokens" integer NOT NULL,
	"hierarchy" jsonb NOT NULL,
	"locations" jsonb NOT NULL,
	"metadata" jsonb,
	"embedding" "bytea",
	"embedding_model" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vector_databases" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"model" text NOT NULL,
	"description" text,
	"db_type" text,
	"dimension" integer DEFAULT 0 NOT NULL,
	"embedding_model" text,
	"revision" integer DEFAULT 0 NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vector_files" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"user_id" text NOT NULL,
	"vector_database_id" text NOT NULL,
	"file_id" text NOT NULL,
	"filename" text NOT NULL,
	"bytes" integer,
	"method" text NOT NULL,
	"chunk_method" text NOT NULL,
	"token_count" integer NOT NULL,
	"overlap_tokens" integer NOT NULL,
	"metadata" jsonb,
	"status" text NOT NULL,
	"seq" integer GENERATED ALWAYS AS IDENTITY (sequence name "vector_files_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"chunk_count" integer,
	"error_message" text,
	"suggested_fix" text,
	"warning" text,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processing_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"failed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "vector_ingestion_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"vector_database_id" text NOT NULL,
	"status" text NOT NULL,
	"file_ids" jsonb NOT NULL,
	"method" text NOT NULL,
	"chunking_method" text NOT NULL,
	"token_count" integer NOT NULL,
	"overlap_tokens" integer NOT NULL,
	"metadata" jsonb,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "vector_chunks_db_file_idx" ON "vector_chunks" USING btree ("vector_database_id","file_id","position");--> statement-breakpoint
CREATE INDEX "vector_databases_user_created_idx" ON "vector_databases" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "vector_files_job_idx" ON "vector_files" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "vector_files_db_file_idx" ON "vector_files" USING btree ("vector_database_id","file_id");--> statement-breakpoint
CREATE INDEX "vector_files_status_idx" ON "vector_files" USING btree ("status");--> statement-breakpoint
CREATE INDEX "vector_ingestion_jobs_db_idx" ON "vector_ingestion_jobs" USING btree ("vector_database_id","created_at");