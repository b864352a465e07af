-- A password set is a password asked for (issue 19). Until now a plain user given a password was
-- not asked for it unless "required" was ticked, so it protected nothing; admins already were.
UPDATE `users` SET `require_password` = 1 WHERE `password_hash` IS NOT NULL AND `role` = 'user' AND `require_password` = 0;
