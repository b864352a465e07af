ALTER TABLE `generations` ADD `pinned` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE TABLE `feature_set_drafts` (
	`set_id` integer NOT NULL,
	`user` text NOT NULL,
	`base_revision` integer NOT NULL,
	`name` text NOT NULL,
	`content` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`set_id`, `user`),
	FOREIGN KEY (`set_id`) REFERENCES `feature_sets`(`id`) ON UPDATE no action ON DELETE cascade
);
