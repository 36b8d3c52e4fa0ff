-- window functions, CTEs, JSON, upsert, triggers, views, math and string functions
CREATE TABLE t(g TEXT, v INTEGER);
INSERT INTO t VALUES ('a', 1), ('a', 5), ('a', 3), ('b', 10), ('b', 2), ('c', 7);
SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v), sum(v) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
       rank() OVER (ORDER BY v DESC), lag(v) OVER (ORDER BY v), ntile(2) OVER (ORDER BY v) FROM t ORDER BY v;
WITH RECURSIVE fib(a, b, n) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 60)
SELECT n, a FROM fib WHERE n % 10 = 0;
SELECT json_object('k', 1, 'arr', json_array(1, 2, 'x')), json_extract('{"a":{"b":[1,2,3]}}', '$.a.b[2]');
SELECT key, value FROM json_each('{"x":1,"y":[2,3],"z":null}');
CREATE TABLE kv(k TEXT PRIMARY KEY, n INTEGER DEFAULT 0);
INSERT INTO kv(k) VALUES ('x') ON CONFLICT(k) DO UPDATE SET n = n + 1;
INSERT INTO kv(k) VALUES ('x') ON CONFLICT(k) DO UPDATE SET n = n + 1;
INSERT INTO kv(k) VALUES ('x') ON CONFLICT(k) DO UPDATE SET n = n + 1;
SELECT * FROM kv;
CREATE TABLE audit(msg TEXT);
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO audit VALUES ('ins ' || new.g || new.v); END;
INSERT INTO t VALUES ('d', 99);
SELECT * FROM audit;
CREATE VIEW totals AS SELECT g, sum(v) AS s FROM t GROUP BY g;
SELECT * FROM totals WHERE s > 5 ORDER BY s;
SELECT upper('abc'), lower('ÀB'), substr('hello', 2, 3), replace('aaa', 'a', 'bb'), instr('hello', 'll'), printf('%08.3f|%5s|%-5d|', 3.14159, 'x', 42);
SELECT length(randomblob(0)), hex(zeroblob(2)), quote('it''s'), length(zeroblob(100)), unicode('€'), char(72, 105), trim('  x  '), ltrim('xxy', 'x');
SELECT abs(-5), 7 / 2, 7 / 2.0, 7 % 3, round(2.5), round(-2.5), 1e308 * 10, cast('12abc' AS INTEGER), cast(3.9 AS INTEGER);
SELECT sqrt(2), pow(2, 10), ln(exp(1)), floor(-1.5), ceil(-1.5), pi();
SELECT 9223372036854775807 + 1, -9223372036854775808 - 1, typeof(9223372036854775807 + 1);
SELECT strftime('%Y-%m-%d %H:%M', '2023-03-15 13:45:00', '+1 month', 'start of day'), julianday('2000-01-01'), date(0, 'unixepoch');
SELECT CASE WHEN NULL IS NULL THEN 'null' END, coalesce(NULL, NULL, 3), nullif(1, 1), iif(1 > 2, 'y', 'n');
SELECT v FROM t INTERSECT SELECT v FROM t WHERE v > 4 ORDER BY 1;
SELECT g, v FROM t EXCEPT SELECT g, v FROM t WHERE g = 'a' ORDER BY 1, 2;
