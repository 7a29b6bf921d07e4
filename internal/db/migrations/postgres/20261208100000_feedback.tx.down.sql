DROP TABLE feedback_lines;
DROP TABLE feedback;
