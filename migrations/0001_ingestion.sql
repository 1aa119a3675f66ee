CREATE TABLE "ingestion_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"file_ids" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingestion_records" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"user_id" text NOT NULL,
	"source_file_id" text NOT NULL,
	"alignment_file_id" text NOT NULL,
	"filename" text NOT NULL,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"seq" integer GENERATED ALWAYS AS IDENTITY (sequence name "ingestion_records_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"error_message" text,
	"suggested_fix" text,
	"report" jsonb,
	"worker_id" text,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processing_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"failed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "ingestion_jobs_user_created_idx" ON "ingestion_jobs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "ingestion_records_job_idx" ON "ingestion_records" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "ingestion_records_status_idx" ON "ingestion_records" USING btree ("status");--> statement-breakpoint
CREATE INDEX "files_original_idx" ON "files" USING btree ("original_file_id");