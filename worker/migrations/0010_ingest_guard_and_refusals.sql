CREATE TABLE `ingest_guard` (
	`device_id` text NOT NULL,
	CONSTRAINT "ingest_guard_refuses_every_row" CHECK(0)
);
--> statement-breakpoint
CREATE TABLE `ingest_refusals` (
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`reports` integer NOT NULL,
	PRIMARY KEY(`day`, `reason`)
);
--> statement-breakpoint
ALTER TABLE `devices` ADD `ingest_seq` integer DEFAULT 0 NOT NULL;