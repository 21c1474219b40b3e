-- claro advisory store additions, SQLite (reference §5.1, §8.9).
-- An import skips an operation whose (updater, kind, fingerprint) is already
-- stored, and the updater runner reads the latest fingerprint of an updater
-- before each run: both look operations up by fingerprint.
-- SPDX-License-Identifier: Apache-2.0

CREATE INDEX update_operation_fingerprint_idx ON update_operation (updater, kind, fingerprint);

-- The order-independent sum of the content hashes of the records an
-- operation was written from (32 bytes) and their number (8 bytes,
-- big-endian): when an updater's next run brings the very same records, the
-- store copies the previous operation's links instead of probing every row.
-- NULL for delta operations and imports of older schemas.
ALTER TABLE update_operation ADD COLUMN digest BLOB;

-- The link tables lose their foreign keys: checking them cost more than the
-- links themselves (an unchanged feed is nothing but links), and claro's
-- store is their only writer: GC deletes an operation's links with it and
-- only ever deletes rows no link points at. WITHOUT ROWID keeps each link
-- once, in its primary key. SQLite drops a constraint by rebuilding.
CREATE TABLE uo_vuln_new (
	uo INTEGER NOT NULL,
	vuln INTEGER NOT NULL,
	PRIMARY KEY (uo, vuln)
) WITHOUT ROWID;
INSERT INTO uo_vuln_new (uo, vuln) SELECT uo, vuln FROM uo_vuln;
DROP TABLE uo_vuln;
ALTER TABLE uo_vuln_new RENAME TO uo_vuln;
CREATE INDEX uo_vuln_vuln_idx ON uo_vuln (vuln);

CREATE TABLE uo_enrich_new (
	uo INTEGER NOT NULL,
	enrich INTEGER NOT NULL,
	updater TEXT NOT NULL DEFAULT '',
	fingerprint TEXT NOT NULL DEFAULT '',
	date INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (uo, enrich)
) WITHOUT ROWID;
INSERT INTO uo_enrich_new (uo, enrich, updater, fingerprint, date)
	SELECT uo, enrich, updater, fingerprint, date FROM uo_enrich;
DROP TABLE uo_enrich;
ALTER TABLE uo_enrich_new RENAME TO uo_enrich;
CREATE INDEX uo_enrich_enrich_idx ON uo_enrich (enrich);
