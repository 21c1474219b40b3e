-- claro advisory store additions, PostgreSQL (reference §5.1, §8.9).
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
ALTER TABLE update_operation ADD COLUMN digest BYTEA;

-- The link tables lose their foreign keys: checking them cost more than the
-- links themselves (an unchanged feed is nothing but links), and claro's
-- store is their only writer: GC deletes an operation's links with it and
-- only ever deletes rows no link points at.
ALTER TABLE uo_vuln DROP CONSTRAINT uo_vuln_uo_fkey, DROP CONSTRAINT uo_vuln_vuln_fkey;
ALTER TABLE uo_enrich DROP CONSTRAINT uo_enrich_uo_fkey, DROP CONSTRAINT uo_enrich_enrich_fkey;
