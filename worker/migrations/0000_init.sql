CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `daily_counters` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`event` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `tool`, `event`, `policy_version`)
);
--> statement-breakpoint
CREATE INDEX `daily_counters_day_tool` ON `daily_counters` (`day`,`tool`);--> statement-breakpoint
CREATE TABLE `device_tools` (
	`device_id` text NOT NULL,
	`tool` text NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	PRIMARY KEY(`device_id`, `tool`)
);
--> statement-breakpoint
CREATE INDEX `device_tools_tool_last_seen` ON `device_tools` (`tool`,`last_seen`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`group_label` text,
	`browser` text,
	`extension_version` text,
	`enrolled_at` integer NOT NULL,
	`last_report_day` text,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_token_hash_unique` ON `devices` (`token_hash`);--> statement-breakpoint
CREATE INDEX `devices_last_report_day` ON `devices` (`last_report_day`);--> statement-breakpoint
CREATE TABLE `enrollment_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_tokens_token_hash_unique` ON `enrollment_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `policy_versions` (
	`version` integer PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`published_at` integer NOT NULL,
	`published_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tool_reviews` (
	`tool` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`owner` text,
	`notes` text,
	`conditions` text,
	`next_review` text,
	`alternative` text,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
