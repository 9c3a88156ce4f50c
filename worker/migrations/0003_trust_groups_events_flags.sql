CREATE TABLE `device_events` (
	`device_id` text NOT NULL,
	`policy_version` integer NOT NULL,
	`event` text NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL,
	PRIMARY KEY(`device_id`, `policy_version`, `event`)
);
--> statement-breakpoint
CREATE INDEX `device_events_version_event` ON `device_events` (`policy_version`,`event`,`last_day`);--> statement-breakpoint
CREATE TABLE `device_flags` (
	`device_id` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`flagged_day` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`reviewed_at` integer,
	`reviewed_by` text
);
--> statement-breakpoint
CREATE TABLE `event_days` (
	`day` text NOT NULL,
	`event` text NOT NULL,
	`policy_version` integer NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `event`, `policy_version`)
);
--> statement-breakpoint
CREATE TABLE `storage_days` (
	`day` text PRIMARY KEY NOT NULL,
	`bytes` integer NOT NULL,
	`counter_rows` integer NOT NULL,
	`devices` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tool_days` (
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `tool`)
);
--> statement-breakpoint
CREATE INDEX `tool_days_tool` ON `tool_days` (`tool`,`day`);--> statement-breakpoint
CREATE TABLE `webhook_emitted` (
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	PRIMARY KEY(`kind`, `subject`)
);
--> statement-breakpoint
-- Per-device events, distinct devices per tool and day and per event and day, from what is
-- already stored: acknowledgements kept beyond the raw window, then every raw counter.
INSERT INTO `device_events` (`device_id`, `policy_version`, `event`, `first_day`, `last_day`)
SELECT `device_id`, `policy_version`, 'acknowledged', `first_day`, `last_day` FROM `device_acknowledgements`;
--> statement-breakpoint
INSERT INTO `device_events` (`device_id`, `policy_version`, `event`, `first_day`, `last_day`)
SELECT `device_id`, `policy_version`, `event`, min(`day`), max(`day`) FROM `daily_counters`
GROUP BY `device_id`, `policy_version`, `event`
ON CONFLICT (`device_id`, `policy_version`, `event`) DO UPDATE SET
  `first_day` = min(`device_events`.`first_day`, excluded.`first_day`),
  `last_day` = max(`device_events`.`last_day`, excluded.`last_day`);
--> statement-breakpoint
INSERT INTO `tool_days` (`day`, `tool`, `devices`)
SELECT `day`, `tool`, count(DISTINCT `device_id`) FROM `daily_counters` GROUP BY `day`, `tool`;
--> statement-breakpoint
INSERT INTO `tool_days` (`day`, `tool`, `devices`)
SELECT `day`, `tool`, max(`devices`) FROM `daily_rollups` WHERE `devices` IS NOT NULL GROUP BY `day`, `tool`
ON CONFLICT (`day`, `tool`) DO NOTHING;
--> statement-breakpoint
INSERT INTO `event_days` (`day`, `event`, `policy_version`, `devices`)
SELECT `day`, `event`, `policy_version`, count(DISTINCT `device_id`) FROM `daily_counters`
GROUP BY `day`, `event`, `policy_version`;
--> statement-breakpoint
DROP TABLE `device_acknowledgements`;--> statement-breakpoint
ALTER TABLE `candidate_domains` ADD `last_seen` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `candidate_domains` SET `last_seen` = coalesce((SELECT max(`day`) FROM `candidates` WHERE `candidates`.`domain` = `candidate_domains`.`domain`), `first_seen`);--> statement-breakpoint
ALTER TABLE `devices` ADD `enrollment_token_id` text;--> statement-breakpoint
CREATE INDEX `devices_enrollment_token` ON `devices` (`enrollment_token_id`,`enrolled_at`);--> statement-breakpoint
CREATE INDEX `devices_group` ON `devices` (`group_label`);--> statement-breakpoint
ALTER TABLE `devices` DROP COLUMN `report_window`;--> statement-breakpoint
ALTER TABLE `devices` DROP COLUMN `reports_in_window`;--> statement-breakpoint
ALTER TABLE `enrollment_tokens` ADD `group_label` text;--> statement-breakpoint
ALTER TABLE `enrollment_tokens` ADD `max_devices` integer DEFAULT 1000 NOT NULL;