-- tables, indexes, joins, aggregates, ordering
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary REAL, hired TEXT);
INSERT INTO dept(name) VALUES ('eng'), ('ops'), ('sales'), ('empty');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO emp(name, dept, salary, hired)
  SELECT 'e' || i, 1 + i % 3, 1000 + (i * 37) % 900, date('2020-01-01', '+' || i || ' days') FROM n;
CREATE INDEX emp_dept ON emp(dept, salary);
SELECT d.name, count(e.id), round(avg(e.salary), 2), min(e.hired), max(e.hired)
  FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.id ORDER BY d.name;
SELECT name, salary FROM emp WHERE dept = 2 ORDER BY salary DESC, id LIMIT 5;
SELECT dept, group_concat(name, '+') FROM (SELECT * FROM emp WHERE id % 50 = 0 ORDER BY id) GROUP BY dept;
SELECT count(*) FROM emp WHERE salary BETWEEN 1200 AND 1300 AND hired LIKE '2020-0%';
UPDATE emp SET salary = salary * 1.1 WHERE dept = 3;
DELETE FROM emp WHERE id % 7 = 0;
SELECT count(*), sum(salary) > 0, typeof(sum(salary)) FROM emp;
SELECT d.name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp WHERE dept = d.id);
EXPLAIN QUERY PLAN SELECT * FROM emp WHERE dept = 1 AND salary > 1500;
PRAGMA integrity_check;
