-- FTS5 and R*Tree (compiled in), a larger generated table with indexes,
-- ANALYZE, a query plan, VACUUM, integrity_check, savepoints and errors
CREATE VIRTUAL TABLE docs USING fts5(title, body);
INSERT INTO docs VALUES ('hot update', 'replace code while the program keeps running'),
  ('lua', 'a small embeddable scripting language with coroutines'),
  ('sqlite', 'an embedded sql database engine in one file'),
  ('c language', 'the language both programs are written in');
SELECT title FROM docs WHERE docs MATCH 'language' ORDER BY rank;
SELECT title, snippet(docs, 1, '[', ']', '...', 4) FROM docs WHERE docs MATCH 'emb*' ORDER BY title;
SELECT highlight(docs, 0, '<', '>') FROM docs WHERE docs MATCH 'title:lua OR title:sqlite' ORDER BY 1;
CREATE VIRTUAL TABLE box USING rtree(id, x0, x1, y0, y1);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO box SELECT i, i % 50, i % 50 + 3, i / 10, i / 10 + 2 FROM n;
SELECT count(*), min(id), max(id) FROM box WHERE x0 <= 10 AND x1 >= 8 AND y0 <= 20 AND y1 >= 19;
CREATE TABLE big(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO big SELECT i, i % 97, 'name' || (i * 7919 % 20000), (i * 31 % 1000) / 10.0 FROM n;
CREATE INDEX big_grp ON big(grp, val);
CREATE INDEX big_name ON big(name);
ANALYZE;
SELECT grp, count(*), round(sum(val), 1), round(avg(val), 3), min(name), max(name) FROM big GROUP BY grp HAVING grp % 20 = 0 ORDER BY grp;
SELECT count(*) FROM big a JOIN big b ON a.id = b.grp WHERE b.val > 90;
SELECT name FROM big WHERE name BETWEEN 'name1999' AND 'name2001' ORDER BY name;
EXPLAIN QUERY PLAN SELECT * FROM big WHERE grp = 5 AND val > 50;
SELECT group_concat(id, ',') FROM (SELECT id FROM big WHERE grp = 3 ORDER BY val DESC, id LIMIT 8);
BEGIN;
SAVEPOINT a;
DELETE FROM big WHERE grp < 50;
SELECT count(*) FROM big;
ROLLBACK TO a;
SELECT count(*) FROM big;
UPDATE big SET val = val * 2 WHERE id % 1000 = 0;
RELEASE a;
COMMIT;
SELECT round(sum(val), 2) FROM big;
DELETE FROM big WHERE id > 100;
VACUUM;
PRAGMA integrity_check;
SELECT count(*), (SELECT count(*) FROM sqlite_schema) FROM big;
INSERT INTO big VALUES (1, 0, 'dup', 0);
SELECT * FROM nosuchtable;
SELECT 'still running';
