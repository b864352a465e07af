ALTER TABLE `users` ADD `catalog_editor` integer DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE `catalog_versions` ADD `column_mapping` text;
