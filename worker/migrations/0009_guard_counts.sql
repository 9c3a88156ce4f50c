CREATE TABLE `guard_counts` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`detector` text NOT NULL,
	`outcome` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `tool`, `detector`, `outcome`, `policy_version`)
);
--> statement-breakpoint
CREATE INDEX `guard_counts_day` ON `guard_counts` (`day`);--> statement-breakpoint
CREATE TABLE `guard_rollups` (
	`day` text NOT NULL,
	`tool` text NOT NULL,
	`detector` text NOT NULL,
	`outcome` text NOT NULL,
	`policy_version` integer NOT NULL,
	`n` integer NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `tool`, `detector`, `outcome`, `policy_version`)
);
