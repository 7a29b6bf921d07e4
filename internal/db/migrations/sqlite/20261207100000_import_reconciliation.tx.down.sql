DROP TABLE import_lookups;
DROP TABLE import_reconciliations;
