-- Counters stored before 0001 existed: derive the tables ingest now maintains incrementally,
-- so totals, active-device counts and acknowledgement coverage include them.
INSERT INTO `daily_rollups` (`day`, `tool`, `event`, `policy_version`, `n`)
SELECT `day`, `tool`, `event`, `policy_version`, sum(`n`) FROM `daily_counters`
GROUP BY `day`, `tool`, `event`, `policy_version`;
--> statement-breakpoint
INSERT INTO `device_days` (`day`, `device_id`)
SELECT DISTINCT `day`, `device_id` FROM `daily_counters`;
--> statement-breakpoint
INSERT INTO `device_acknowledgements` (`device_id`, `policy_version`, `first_day`, `last_day`)
SELECT `device_id`, `policy_version`, min(`day`), max(`day`) FROM `daily_counters`
WHERE `event` = 'acknowledged' GROUP BY `device_id`, `policy_version`;
