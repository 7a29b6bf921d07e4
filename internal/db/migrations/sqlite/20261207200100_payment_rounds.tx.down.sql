DROP TABLE payment_round_groups;
DROP TABLE payment_rounds;
