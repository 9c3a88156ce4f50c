CREATE TABLE `device_browsers` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`browser` text NOT NULL,
	PRIMARY KEY(`device_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `device_browsers_day` ON `device_browsers` (`day`);--> statement-breakpoint
CREATE TABLE `device_extensions` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`extension` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `extension`)
);
--> statement-breakpoint
CREATE INDEX `device_extensions_day` ON `device_extensions` (`day`);--> statement-breakpoint
CREATE TABLE `embed_days` (
	`day` text NOT NULL,
	`site` text NOT NULL,
	`tool` text NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `site`, `tool`)
);
--> statement-breakpoint
CREATE INDEX `embed_days_tool` ON `embed_days` (`tool`,`day`);--> statement-breakpoint
CREATE TABLE `embeds` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`site` text NOT NULL,
	`tool` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `site`, `tool`)
);
--> statement-breakpoint
CREATE INDEX `embeds_day` ON `embeds` (`day`);--> statement-breakpoint
CREATE TABLE `extension_tokens` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`token` text NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `token`)
);
--> statement-breakpoint
CREATE INDEX `extension_tokens_token` ON `extension_tokens` (`token`,`device_id`);--> statement-breakpoint
CREATE INDEX `extension_tokens_day` ON `extension_tokens` (`day`);--> statement-breakpoint
CREATE TABLE `organization_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `revealed_extensions` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`store` text NOT NULL,
	`extension_id` text NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `store`, `extension_id`)
);
--> statement-breakpoint
CREATE INDEX `revealed_extensions_day` ON `revealed_extensions` (`day`);--> statement-breakpoint
CREATE TABLE `unknown_extensions` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `unknown_extensions_day` ON `unknown_extensions` (`day`);