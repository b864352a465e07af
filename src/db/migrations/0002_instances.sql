CREATE TABLE `instance_records` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` integer,
	`port` integer NOT NULL,
	`pid` integer,
	`state` text NOT NULL,
	`started_at` integer,
	`ready_ms` integer,
	`restarts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`last_activity_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `instance_starts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`kind` text NOT NULL,
	`ready_ms` integer,
	`outcome` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `instance_starts_at` ON `instance_starts` (`created_at`);