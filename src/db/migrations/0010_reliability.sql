-- Instance records belong to the gateway (node) that started them, so gateways sharing one
-- database never adopt or stop each other's feature apps. Rows from before this migration keep
-- node_id '' (they were written when one gateway was all there was).
CREATE TABLE `instance_records_by_node` (
	`node_id` text DEFAULT '' NOT NULL,
	`node_name` text DEFAULT '' NOT NULL,
	`key` text NOT NULL,
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
	PRIMARY KEY(`node_id`, `key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `instance_records_by_node` (`key`, `user_id`, `port`, `pid`, `state`, `started_at`, `ready_ms`, `restarts`, `last_error`, `last_activity_at`, `updated_at`)
	SELECT `key`, `user_id`, `port`, `pid`, `state`, `started_at`, `ready_ms`, `restarts`, `last_error`, `last_activity_at`, `updated_at` FROM `instance_records`;
--> statement-breakpoint
DROP TABLE `instance_records`;
--> statement-breakpoint
ALTER TABLE `instance_records_by_node` RENAME TO `instance_records`;
--> statement-breakpoint
-- Every change to the console's settings, from any gateway or the command line, bumps this one
-- number; other gateways poll it (one tiny read) and reload the settings when it moved.
CREATE TABLE `settings_version` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`version` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `settings_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `settings_version_insert` AFTER INSERT ON `settings` BEGIN UPDATE `settings_version` SET `version` = `version` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `settings_version_update` AFTER UPDATE ON `settings` BEGIN UPDATE `settings_version` SET `version` = `version` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `settings_version_delete` AFTER DELETE ON `settings` BEGIN UPDATE `settings_version` SET `version` = `version` + 1; END;
--> statement-breakpoint
-- The feature app's first answers to creating requests that carried an Idempotency-Key, so a
-- retry gets the same answer instead of a duplicate (feature-app/idempotency.ts); kept 24 h.
CREATE TABLE `idempotency_keys` (
	`user` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer,
	`headers` text,
	`body` blob,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);
