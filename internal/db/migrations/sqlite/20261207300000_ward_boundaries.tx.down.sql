DROP TABLE ward_boundaries;
DROP TABLE boundary_sets;
