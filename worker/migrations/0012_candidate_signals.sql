ALTER TABLE `candidate_domains` ADD `signals` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `candidates` ADD `signals` integer DEFAULT 0 NOT NULL;