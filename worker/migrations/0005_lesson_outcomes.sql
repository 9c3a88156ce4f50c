CREATE TABLE `device_lessons` (
	`device_id` text NOT NULL,
	`lesson` text NOT NULL,
	`version` integer NOT NULL,
	`outcome` text NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL,
	PRIMARY KEY(`device_id`, `lesson`, `version`, `outcome`)
);
--> statement-breakpoint
CREATE TABLE `lesson_outcomes` (
	`device_id` text NOT NULL,
	`day` text NOT NULL,
	`lesson` text NOT NULL,
	`version` integer NOT NULL,
	`outcome` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`device_id`, `day`, `lesson`, `version`, `outcome`)
);
--> statement-breakpoint
CREATE INDEX `lesson_outcomes_day` ON `lesson_outcomes` (`day`);--> statement-breakpoint
CREATE TABLE `lesson_rollups` (
	`day` text NOT NULL,
	`lesson` text NOT NULL,
	`version` integer NOT NULL,
	`outcome` text NOT NULL,
	`n` integer NOT NULL,
	`devices` integer NOT NULL,
	PRIMARY KEY(`day`, `lesson`, `version`, `outcome`)
);
