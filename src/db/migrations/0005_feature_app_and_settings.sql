CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_features` (
	`version_id` integer NOT NULL,
	`feature_id` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`release` text NOT NULL,
	`package` text NOT NULL,
	`status` text NOT NULL,
	`description` text NOT NULL,
	`requires` text NOT NULL,
	`conflicts` text NOT NULL,
	`parameters` text NOT NULL,
	`search_text` text NOT NULL,
	PRIMARY KEY(`version_id`, `feature_id`),
	FOREIGN KEY (`version_id`) REFERENCES `catalog_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `catalog_features_category` ON `catalog_features` (`version_id`,`category`);--> statement-breakpoint
CREATE INDEX `catalog_features_release` ON `catalog_features` (`version_id`,`release`);--> statement-breakpoint
CREATE INDEX `catalog_features_status` ON `catalog_features` (`version_id`,`status`);--> statement-breakpoint
CREATE TABLE `catalog_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`imported_by` text NOT NULL,
	`imported_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`feature_count` integer NOT NULL,
	`content_hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feature_set_revisions` (
	`set_id` integer NOT NULL,
	`revision` integer NOT NULL,
	`name` text NOT NULL,
	`content` text NOT NULL,
	`saved_by` text NOT NULL,
	`saved_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`set_id`, `revision`),
	FOREIGN KEY (`set_id`) REFERENCES `feature_sets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `feature_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner` text NOT NULL,
	`name` text NOT NULL,
	`revision` integer NOT NULL,
	`content` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `feature_sets_owner` ON `feature_sets` (`owner`);--> statement-breakpoint
CREATE TABLE `generations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch` text NOT NULL,
	`set_id` integer NOT NULL,
	`set_revision` integer NOT NULL,
	`catalog_version_id` integer NOT NULL,
	`site` text,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sha256` text NOT NULL,
	`document` text NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `feature_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`catalog_version_id`) REFERENCES `catalog_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `generations_set` ON `generations` (`set_id`,`id`);--> statement-breakpoint
CREATE INDEX `generations_batch` ON `generations` (`batch`);--> statement-breakpoint
CREATE TABLE `import_drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`user` text NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`content` blob NOT NULL,
	`mapping` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
