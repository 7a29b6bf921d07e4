DROP TABLE spot_check_draws;
DROP TABLE spot_check_days;
