CREATE TABLE `metric_hours` (
	`hour` integer PRIMARY KEY NOT NULL,
	`cpu_percent_avg` real NOT NULL,
	`cpu_percent_max` real NOT NULL,
	`memory_used_bytes_avg` integer NOT NULL,
	`memory_used_bytes_max` integer NOT NULL,
	`requests_per_second_avg` real NOT NULL,
	`open_websockets_max` integer NOT NULL,
	`instances_running_max` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_samples` (
	`at` integer PRIMARY KEY NOT NULL,
	`cpu_percent` real NOT NULL,
	`memory_used_bytes` integer NOT NULL,
	`memory_total_bytes` integer NOT NULL,
	`gateway_rss_bytes` integer NOT NULL,
	`event_loop_lag_ms` real NOT NULL,
	`requests_per_second` real NOT NULL,
	`proxy_p50_ms` real,
	`proxy_p95_ms` real,
	`proxy_p99_ms` real,
	`open_websockets` integer NOT NULL,
	`instances_running` integer NOT NULL,
	`instances_rss_bytes` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `sessions` ADD `dwell_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `sessions_created` ON `sessions` (`created_at`);