-- Each revision of a feature set keeps the catalog version it was built on, so restoring a
-- revision from before an upgrade takes the set back to that version. An existing revision gets
-- the version its set was on when it was saved: the `to` of the last upgrade at or before it, else
-- the `from` of the first upgrade after it, else (never upgraded) the set's own version.
ALTER TABLE `feature_set_revisions` ADD `catalog_version_id` integer REFERENCES catalog_versions(id);
--> statement-breakpoint
UPDATE `feature_set_revisions` SET `catalog_version_id` = coalesce(
  (SELECT json_extract(u.note, '$.params.to') FROM `feature_set_revisions` u
    WHERE u.set_id = `feature_set_revisions`.set_id AND u.revision <= `feature_set_revisions`.revision
      AND CASE WHEN json_valid(u.note) THEN json_extract(u.note, '$.key') END = 'sets.note.upgraded'
    ORDER BY u.revision DESC LIMIT 1),
  (SELECT json_extract(u.note, '$.params.from') FROM `feature_set_revisions` u
    WHERE u.set_id = `feature_set_revisions`.set_id AND u.revision > `feature_set_revisions`.revision
      AND CASE WHEN json_valid(u.note) THEN json_extract(u.note, '$.key') END = 'sets.note.upgraded'
    ORDER BY u.revision ASC LIMIT 1),
  (SELECT s.catalog_version_id FROM `feature_sets` s WHERE s.id = `feature_set_revisions`.set_id)
);
