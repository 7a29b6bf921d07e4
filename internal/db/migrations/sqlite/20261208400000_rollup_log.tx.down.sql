DROP TABLE rollup_log;
DELETE FROM dataset_info WHERE key = 'rollup_writes';
