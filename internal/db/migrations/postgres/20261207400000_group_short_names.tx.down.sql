ALTER TABLE beneficiary_groups DROP COLUMN short_name_en;
ALTER TABLE beneficiary_groups DROP COLUMN short_name;
