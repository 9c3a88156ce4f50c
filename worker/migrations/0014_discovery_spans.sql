CREATE TABLE `discovery_spans` (
	`kind` text NOT NULL,
	`item` text NOT NULL,
	`device_id` text NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL,
	PRIMARY KEY(`kind`, `item`, `device_id`)
);
--> statement-breakpoint
DROP INDEX `device_browsers_browser`;--> statement-breakpoint
-- The spans of the rows stored before the table existed.
INSERT INTO `discovery_spans` (`kind`, `item`, `device_id`, `first_day`, `last_day`)
  SELECT 'extension', `extension`, `device_id`, min(`day`), max(`day`) FROM `device_extensions` GROUP BY `extension`, `device_id`;--> statement-breakpoint
INSERT INTO `discovery_spans` (`kind`, `item`, `device_id`, `first_day`, `last_day`)
  SELECT 'browser', `browser`, `device_id`, min(`day`), max(`day`) FROM `device_browsers` GROUP BY `browser`, `device_id`;--> statement-breakpoint
INSERT INTO `discovery_spans` (`kind`, `item`, `device_id`, `first_day`, `last_day`)
  SELECT 'embedded', `tool`, `device_id`, min(`day`), max(`day`) FROM `embeds` GROUP BY `tool`, `device_id`;
