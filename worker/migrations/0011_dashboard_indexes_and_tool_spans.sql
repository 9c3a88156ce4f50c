ALTER TABLE `device_tools` ADD `counted_first` text;--> statement-breakpoint
ALTER TABLE `device_tools` ADD `counted_last` text;--> statement-breakpoint
ALTER TABLE `device_tools` ADD `visit_first` text;--> statement-breakpoint
ALTER TABLE `device_tools` ADD `visit_last` text;--> statement-breakpoint
CREATE INDEX `candidates_domain` ON `candidates` (`domain`,`device_id`,`n`);--> statement-breakpoint
CREATE INDEX `daily_counters_review_requests` ON `daily_counters` (`tool`,`device_id`) WHERE event = 'review_requested';--> statement-breakpoint
CREATE INDEX `device_days_device` ON `device_days` (`device_id`,`day`);--> statement-breakpoint
CREATE INDEX `device_events_version_event_device` ON `device_events` (`policy_version`,`event`,`device_id`);--> statement-breakpoint
CREATE INDEX `embeds_tool` ON `embeds` (`tool`,`site`,`device_id`,`day`,`n`);--> statement-breakpoint
CREATE INDEX `justifications_tool_reason` ON `justifications` (`tool`,`reason`,`device_id`,`n`,`day`);--> statement-breakpoint
-- Rows stored before these columns existed: the spans of the counters and visits still held.
UPDATE `device_tools` SET
  `counted_first` = (SELECT min(c.`day`) FROM `daily_counters` c
                     WHERE c.`device_id` = `device_tools`.`device_id` AND c.`tool` = `device_tools`.`tool`),
  `counted_last` = (SELECT max(c.`day`) FROM `daily_counters` c
                    WHERE c.`device_id` = `device_tools`.`device_id` AND c.`tool` = `device_tools`.`tool`),
  `visit_first` = (SELECT min(c.`day`) FROM `daily_counters` c WHERE c.`device_id` = `device_tools`.`device_id`
                   AND c.`tool` = `device_tools`.`tool` AND c.`event` = 'visit'),
  `visit_last` = (SELECT max(c.`day`) FROM `daily_counters` c WHERE c.`device_id` = `device_tools`.`device_id`
                  AND c.`tool` = `device_tools`.`tool` AND c.`event` = 'visit');
