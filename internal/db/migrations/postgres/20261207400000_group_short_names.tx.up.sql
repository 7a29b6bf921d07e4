-- A short name of each beneficiary group, in both languages, for where space is short (chart axis
-- labels, filter chips, phone cards): the full names ("Người lao động tạm hoãn thực hiện hợp đồng lao
-- động…") are cut to the same first words there and cannot be told apart. The seed writes them from
-- internal/seed/data/programs.json; the updates below give a database seeded before this migration
-- the same names. Empty means "use the full name".
ALTER TABLE beneficiary_groups ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiary_groups ADD COLUMN short_name_en TEXT NOT NULL DEFAULT '';
UPDATE beneficiary_groups SET short_name = 'Người có công', short_name_en = 'Meritorious people' WHERE code = 'NGUOI_CO_CONG';
UPDATE beneficiary_groups SET short_name = 'Bảo trợ xã hội', short_name_en = 'Social protection' WHERE code = 'BAO_TRO_XA_HOI';
UPDATE beneficiary_groups SET short_name = 'Hộ nghèo', short_name_en = 'Poor households' WHERE code = 'HO_NGHEO';
UPDATE beneficiary_groups SET short_name = 'Hộ cận nghèo', short_name_en = 'Near-poor households' WHERE code = 'HO_CAN_NGHEO';
UPDATE beneficiary_groups SET short_name = 'LĐ tạm hoãn HĐLĐ', short_name_en = 'Suspended contracts' WHERE code = 'TAM_HOAN_HDLD';
UPDATE beneficiary_groups SET short_name = 'Hộ kinh doanh', short_name_en = 'Household businesses' WHERE code IN ('HO_KINH_DOANH', 'NQ68_HO_KINH_DOANH');
UPDATE beneficiary_groups SET short_name = 'LĐ mất việc', short_name_en = 'Contract ended' WHERE code IN ('CHAM_DUT_HDLD', 'NQ68_CHAM_DUT_HDLD');
UPDATE beneficiary_groups SET short_name = 'LĐ tự do', short_name_en = 'Informal workers' WHERE code IN ('LAO_DONG_TU_DO', 'NQ68_LAO_DONG_TU_DO');
