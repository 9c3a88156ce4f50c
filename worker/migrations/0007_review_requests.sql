CREATE TABLE `review_requests` (
	`tool` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`owner` text,
	`note` text,
	`closed_day` text,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
