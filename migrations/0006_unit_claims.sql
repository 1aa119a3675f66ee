CREATE TABLE "job_unit_claims" (
	"job_id" text NOT NULL,
	"step_id" text NOT NULL,
	"unit_key" text NOT NULL,
	"owner" text NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"error" text,
	"retryable" boolean DEFAULT true NOT NULL,
	CONSTRAINT "job_unit_claims_job_id_step_id_unit_key_pk" PRIMARY KEY("job_id","step_id","unit_key")
);
--> statement-breakpoint
CREATE INDEX "job_unit_claims_owner" ON "job_unit_claims" USING btree ("owner");