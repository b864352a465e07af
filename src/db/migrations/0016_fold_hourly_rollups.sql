-- The hourly rollup bound the hour's length as a parameter, which arrives as a REAL: SQLite divided
-- the sample times exactly, and every sample became a metric_hours row of its own, stamped with its
-- own millisecond. Each such row holds one sample, so folding them into the hours they fall in
-- (average of the averages, maximum of the maxima) gives each hour's true figures.
CREATE TABLE `metric_hours_folded` (
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
INSERT INTO `metric_hours_folded`
SELECT `node_id`, `hour` - `hour` % 3600000, avg(`cpu_percent_avg`), max(`cpu_percent_max`),
	cast(avg(`memory_used_bytes_avg`) as integer), max(`memory_used_bytes_max`), avg(`requests_per_second_avg`),
	max(`open_websockets_max`), max(`instances_running_max`)
FROM `metric_hours` GROUP BY 1, 2;
--> statement-breakpoint
DROP TABLE `metric_hours`;
--> statement-breakpoint
ALTER TABLE `metric_hours_folded` RENAME TO `metric_hours`;
