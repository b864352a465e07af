-- Each feature set is pinned to the catalog version it was built on (issue 17). An existing set
-- gets the version that was current when its latest revision was saved: the one that save was
-- checked against. A set saved before any version existed (none in practice) gets the oldest.
ALTER TABLE `feature_sets` ADD `catalog_version_id` integer REFERENCES catalog_versions(id);
--> statement-breakpoint
UPDATE `feature_sets` SET `catalog_version_id` = coalesce(
  (SELECT max(v.id) FROM `catalog_versions` v WHERE v.imported_at <= `feature_sets`.updated_at),
  (SELECT min(v.id) FROM `catalog_versions` v)
);
