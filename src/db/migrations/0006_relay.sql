-- A visit is a browser session started by a page navigation (or whose page opened the app's
-- WebSocket); a session a script started is counted apart, and becomes a visit if a page of it
-- opens the app later.
ALTER TABLE `sessions` ADD `started_by` text DEFAULT 'page' NOT NULL;
--> statement-breakpoint
ALTER TABLE `usage_days` ADD `script_sessions` integer DEFAULT 0 NOT NULL;
