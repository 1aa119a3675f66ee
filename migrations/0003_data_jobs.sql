CREATE TABLE "data_job_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_job_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"data_job_id" text NOT NULL,
	"event_type" text NOT NULL,
	"message" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"key" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_job_files" (
	"data_job_id" text NOT NULL,
	"file_id" text NOT NULL,
	"ingestion_job_id" text,
	"record_id" text,
	"position" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_job_files_data_job_id_file_id_pk" PRIMARY KEY("data_job_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "data_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"job_type" text NOT NULL,
	"system_prompt" text,
	"system_prompt_updated_at" timestamp with time zone,
	"instructions" text,
	"instructions_updated_at" timestamp with time zone,
	"resolved_instructions" text,
	"vector_database_id" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"alignment_job_id" text,
	"origin_data_job_id" text,
	"last_status" text,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "system_prompts" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"source_id" text NOT NULL,
	"content" text NOT NULL,
	"instructions" text,
	"is_custom" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "data_job_events_job_idx" ON "data_job_events" USING btree ("data_job_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "data_job_events_key_idx" ON "data_job_events" USING btree ("data_job_id","key");--> statement-breakpoint
CREATE INDEX "data_job_files_file_idx" ON "data_job_files" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "data_jobs_user_created_idx" ON "data_jobs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "system_prompts_user_source_idx" ON "system_prompts" USING btree ("user_id","source_id");