-- A draft counts its changes, so an edit sent from a tab that has not seen the latest one (the same
-- set open in two tabs) is refused instead of silently replacing the other tab's sites and name.
ALTER TABLE `feature_set_drafts` ADD `edition` integer DEFAULT 1 NOT NULL;
