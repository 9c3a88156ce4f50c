CREATE TABLE `evidence_packs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generated_at` integer NOT NULL,
	`period_from` text NOT NULL,
	`period_to` text NOT NULL,
	`sha256` text NOT NULL,
	`previous_sha256` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_packs_sha256_unique` ON `evidence_packs` (`sha256`);