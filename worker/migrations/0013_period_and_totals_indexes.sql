DROP INDEX `tool_days_tool`;--> statement-breakpoint
CREATE INDEX `tool_days_tool` ON `tool_days` (`tool`,`day`,`devices`);--> statement-breakpoint
CREATE INDEX `device_browsers_browser` ON `device_browsers` (`browser`,`device_id`,`day`);--> statement-breakpoint
CREATE INDEX `device_extensions_extension` ON `device_extensions` (`extension`,`device_id`,`day`,`enabled`);--> statement-breakpoint
CREATE INDEX `candidates_domain_day` ON `candidates` (`domain`,`day`);--> statement-breakpoint
CREATE INDEX `daily_rollups_tool_event` ON `daily_rollups` (`tool`,`event`,`n`);--> statement-breakpoint
CREATE INDEX `device_tools_tool_spans` ON `device_tools` (`tool`,`counted_last`,`counted_first`,`visit_last`,`visit_first`,`device_id`);