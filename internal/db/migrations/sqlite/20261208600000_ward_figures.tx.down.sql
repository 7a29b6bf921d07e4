DROP TABLE ward_figures;
