-- the shell's own dot-commands and output modes
CREATE TABLE m(a INTEGER, b TEXT, c REAL);
INSERT INTO m VALUES (1, 'one', 1.5), (2, 'two, with comma', NULL), (3, 'three "quoted"', -0.25);
.headers on
.mode column
SELECT * FROM m;
.mode csv
SELECT * FROM m;
.mode json
SELECT * FROM m;
.mode line
SELECT * FROM m WHERE a = 1;
.mode list
.separator |
.nullvalue NULL
SELECT * FROM m;
.mode insert m2
SELECT * FROM m;
.mode box
SELECT a, b FROM m ORDER BY a DESC;
.schema m
.tables
.dump m
.mode list
.headers off
SELECT 'end';
