CREATE TABLE `usage_days` (
	`day` text NOT NULL,
	`user_id` integer NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`dwell_ms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Sessions recorded before this table existed are counted into it once.
INSERT INTO `usage_days` (`day`, `user_id`, `visits`, `dwell_ms`)
SELECT date(`created_at` / 1000, 'unixepoch', 'localtime'), `user_id`, count(*), sum(`dwell_ms`)
FROM `sessions` GROUP BY 1, 2;
