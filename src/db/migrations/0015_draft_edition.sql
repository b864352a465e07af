-- A draft counts its changes and remembers which page (browser tab) made the last one, so an edit
-- sent from another tab that has not seen that change (the same set open in two tabs) is refused
-- instead of silently replacing the other tab's sites and name.
ALTER TABLE `feature_set_drafts` ADD `edition` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
ALTER TABLE `feature_set_drafts` ADD `last_tab` text;
