-- claro matcher schema, SQLite (reference §8.2: Clair's matcher schema).
-- Vulnerability and enrichment rows are content-hashed and written once; an
-- update operation links the rows one updater run saw. Differences from
-- Clair: version ranges are two blob bounds (normalised versions as
-- fixed-width big-endian sign-flipped byte strings, compared as bytes with
-- an indexed BETWEEN) instead of a range type; enrichment tags live in a
-- table instead of an array; latest_update_operations is a plain view; times
-- are Unix seconds. SQLite adaptation: uuids are text, booleans 0/1, JSON is
-- text checked by json_valid().
-- SPDX-License-Identifier: Apache-2.0

CREATE TABLE update_operation (
	id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: newest = highest
	ref TEXT NOT NULL UNIQUE,
	updater TEXT NOT NULL,
	fingerprint TEXT NOT NULL DEFAULT '',
	date INTEGER NOT NULL,
	kind TEXT NOT NULL DEFAULT 'vulnerability' CHECK (kind IN ('vulnerability', 'enrichment'))
);
CREATE INDEX update_operation_updater_idx ON update_operation (updater, kind, id);
CREATE INDEX update_operation_kind_idx ON update_operation (kind);

-- range_lower is inclusive, range_upper exclusive; NULL bounds: no range.
CREATE TABLE vuln (
	id INTEGER PRIMARY KEY,
	hash_kind TEXT NOT NULL,
	hash BLOB NOT NULL,
	updater TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	issued INTEGER,
	links TEXT NOT NULL DEFAULT '',
	severity TEXT NOT NULL DEFAULT '',
	normalized_severity TEXT NOT NULL DEFAULT '',
	package_name TEXT NOT NULL DEFAULT '',
	package_version TEXT NOT NULL DEFAULT '',
	package_module TEXT NOT NULL DEFAULT '',
	package_arch TEXT NOT NULL DEFAULT '',
	package_kind TEXT NOT NULL DEFAULT '',
	dist_id TEXT NOT NULL DEFAULT '',
	dist_name TEXT NOT NULL DEFAULT '',
	dist_version TEXT NOT NULL DEFAULT '',
	dist_version_code_name TEXT NOT NULL DEFAULT '',
	dist_version_id TEXT NOT NULL DEFAULT '',
	dist_arch TEXT NOT NULL DEFAULT '',
	dist_cpe TEXT NOT NULL DEFAULT '',
	dist_pretty_name TEXT NOT NULL DEFAULT '',
	repo_name TEXT NOT NULL DEFAULT '',
	repo_key TEXT NOT NULL DEFAULT '',
	repo_uri TEXT NOT NULL DEFAULT '',
	fixed_in_version TEXT NOT NULL DEFAULT '',
	arch_operation TEXT NOT NULL DEFAULT '',
	version_kind TEXT NOT NULL DEFAULT '',
	range_lower BLOB,
	range_upper BLOB,
	not_vulnerable INTEGER NOT NULL DEFAULT 0,
	UNIQUE (hash_kind, hash)
);
CREATE INDEX vuln_lookup_idx ON vuln (package_name, dist_id, dist_name, dist_pretty_name, dist_version,
	dist_version_id, package_module, dist_version_code_name, repo_name, dist_arch, dist_cpe, repo_key, repo_uri);
CREATE INDEX vuln_updater_idx ON vuln (updater);
CREATE INDEX vuln_range_idx ON vuln (version_kind, range_lower, range_upper);

CREATE TABLE uo_vuln (
	uo INTEGER NOT NULL REFERENCES update_operation (id) ON DELETE CASCADE,
	vuln INTEGER NOT NULL REFERENCES vuln (id) ON DELETE CASCADE,
	PRIMARY KEY (uo, vuln)
);
CREATE INDEX uo_vuln_vuln_idx ON uo_vuln (vuln);

-- The newest operation of each updater and kind.
CREATE VIEW latest_update_operations AS
	SELECT id, ref, updater, fingerprint, date, kind FROM update_operation
	WHERE id IN (SELECT max(id) FROM update_operation GROUP BY updater, kind);

CREATE TABLE enrichment (
	id INTEGER PRIMARY KEY,
	hash_kind TEXT NOT NULL,
	hash BLOB NOT NULL,
	updater TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL CHECK (json_valid(data)),
	UNIQUE (hash_kind, hash)
);
CREATE INDEX enrichment_updater_idx ON enrichment (updater);

CREATE TABLE enrichment_tag (
	enrichment_id INTEGER NOT NULL REFERENCES enrichment (id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (enrichment_id, tag)
);
CREATE INDEX enrichment_tag_tag_idx ON enrichment_tag (tag);

CREATE TABLE uo_enrich (
	uo INTEGER NOT NULL REFERENCES update_operation (id) ON DELETE CASCADE,
	enrich INTEGER NOT NULL REFERENCES enrichment (id) ON DELETE CASCADE,
	updater TEXT NOT NULL DEFAULT '',
	fingerprint TEXT NOT NULL DEFAULT '',
	date INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (uo, enrich)
);
CREATE INDEX uo_enrich_enrich_idx ON uo_enrich (enrich);

CREATE TABLE updater_status (
	updater_name TEXT NOT NULL PRIMARY KEY,
	last_attempt INTEGER NOT NULL,
	last_success INTEGER,
	last_run_succeeded INTEGER NOT NULL,
	last_attempt_fingerprint TEXT,
	last_error TEXT
);

CREATE TABLE alias_namespace (
	id INTEGER PRIMARY KEY,
	namespace TEXT NOT NULL UNIQUE
);

CREATE TABLE alias (
	id INTEGER PRIMARY KEY,
	namespace_id INTEGER NOT NULL REFERENCES alias_namespace (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	UNIQUE (namespace_id, name)
);

CREATE TABLE vulnerability_alias (
	vuln_id INTEGER NOT NULL REFERENCES vuln (id) ON DELETE CASCADE,
	alias_id INTEGER NOT NULL REFERENCES alias (id) ON DELETE CASCADE,
	PRIMARY KEY (vuln_id, alias_id)
);
CREATE INDEX vulnerability_alias_alias_idx ON vulnerability_alias (alias_id);

CREATE TABLE vulnerability_self (
	vuln_id INTEGER NOT NULL REFERENCES vuln (id) ON DELETE CASCADE,
	alias_id INTEGER NOT NULL REFERENCES alias (id) ON DELETE CASCADE,
	PRIMARY KEY (vuln_id, alias_id)
);
CREATE INDEX vulnerability_self_alias_idx ON vulnerability_self (alias_id);
