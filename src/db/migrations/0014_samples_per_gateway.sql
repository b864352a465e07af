-- Load samples and their hourly rollups belong to the gateway that took them: gateways sharing a
-- database each chart their own machine's load, and two samples taken in the same millisecond by
-- two gateways are both kept. Rows from before are the one gateway's that existed ('').
CREATE TABLE `metric_samples_by_node` (
	`node_id` text DEFAULT '' NOT NULL,
	`at` integer NOT NULL,
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
	`instances_rss_bytes` integer NOT NULL,
	PRIMARY KEY(`node_id`, `at`)
);
--> statement-breakpoint
INSERT INTO `metric_samples_by_node` SELECT '', * FROM `metric_samples`;
--> statement-breakpoint
DROP TABLE `metric_samples`;
--> statement-breakpoint
ALTER TABLE `metric_samples_by_node` RENAME TO `metric_samples`;
--> statement-breakpoint
CREATE TABLE `metric_hours_by_node` (
	`node_id` text DEFAULT '' NOT NULL,
	`hour` integer NOT NULL,
	`cpu_percent_avg` real NOT NULL,
	`cpu_percent_max` real NOT NULL,
	`memory_used_bytes_avg` integer NOT NULL,
	`memory_used_bytes_max` integer NOT NULL,
	`requests_per_second_avg` real NOT NULL,
	`open_websockets_max` integer NOT NULL,
	`instances_running_max` integer NOT NULL,
	PRIMARY KEY(`node_id`, `hour`)
);
--> statement-breakpoint
INSERT INTO `metric_hours_by_node` SELECT '', * FROM `metric_hours`;
--> statement-breakpoint
DROP TABLE `metric_hours`;
--> statement-breakpoint
ALTER TABLE `metric_hours_by_node` RENAME TO `metric_hours`;
