CREATE TABLE `candidate_domains` (
	`domain` text PRIMARY KEY NOT NULL,
	`first_seen` text NOT NULL,
	`state` text DEFAULT 'new' NOT NULL,
	`updated_at` integer,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `candidate_rollups` (
	`day` text NOT NULL,
	`domain` text NOT NULL,
	`n` integer NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `domain`)
);
--> statement-breakpoint
CREATE TABLE `candidates` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`domain` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `domain`)
);
--> statement-breakpoint
CREATE INDEX `candidates_day` ON `candidates` (`day`);--> statement-breakpoint
CREATE TABLE `daily_rollups` (
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`event` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	`devices` integer,
	PRIMARY KEY(`day`, `tool`, `event`, `policy_version`)
);
--> statement-breakpoint
CREATE TABLE `device_acknowledgements` (
	`device_id` text NOT NULL,
	`policy_version` integer NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL,
	PRIMARY KEY(`device_id`, `policy_version`)
);
--> statement-breakpoint
CREATE INDEX `device_acknowledgements_version` ON `device_acknowledgements` (`policy_version`);--> statement-breakpoint
CREATE TABLE `device_days` (
	`day` text NOT NULL,
	`device_id` text NOT NULL,
	PRIMARY KEY(`day`, `device_id`)
);
--> statement-breakpoint
CREATE TABLE `exception_decisions` (
	`tool` text NOT NULL,
	`reason` text NOT NULL,
	`owner` text,
	`decision` text NOT NULL,
	`expiry` text,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`tool`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `justification_rollups` (
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`reason` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `tool`, `reason`, `policy_version`)
);
--> statement-breakpoint
CREATE TABLE `justifications` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`reason` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `tool`, `reason`, `policy_version`)
);
--> statement-breakpoint
CREATE INDEX `justifications_day` ON `justifications` (`day`);--> statement-breakpoint
CREATE TABLE `webhook_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`failed_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_outbox_pending` ON `webhook_outbox` (`delivered_at`,`failed_at`,`next_attempt_at`);--> statement-breakpoint
DROP INDEX `device_tools_tool_last_seen`;--> statement-breakpoint
CREATE INDEX `device_tools_tool_last_seen_device` ON `device_tools` (`tool`,`last_seen`,`device_id`,`first_seen`);--> statement-breakpoint
ALTER TABLE `devices` ADD `report_window` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `reports_in_window` integer DEFAULT 0 NOT NULL;