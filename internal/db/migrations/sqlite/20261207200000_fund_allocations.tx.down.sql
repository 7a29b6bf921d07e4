DROP TABLE fund_allocations;
