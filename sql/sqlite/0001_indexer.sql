-- claro indexer schema, SQLite (reference §8.1: Clair's indexer schema).
-- Layers, manifests and scan artifacts are content-addressed; every foreign
-- key cascades, so deleting a manifest or a layer takes its rows with it.
-- package, dist and repo rows are shared and never garbage collected.
-- SQLite adaptation: ids are rowids; JSON is text checked by json_valid();
-- the store turns foreign keys on for every connection.
-- SPDX-License-Identifier: Apache-2.0

CREATE TABLE layer (
	id INTEGER PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE
);

CREATE TABLE manifest (
	id INTEGER PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE
);

-- i is the layer's position; a digest may repeat within a manifest.
CREATE TABLE manifest_layer (
	manifest_id INTEGER NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	i INTEGER NOT NULL,
	PRIMARY KEY (manifest_id, layer_id, i)
);
CREATE INDEX manifest_layer_layer_id_idx ON manifest_layer (layer_id);

CREATE TABLE scanner (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	version TEXT NOT NULL,
	kind TEXT NOT NULL,
	UNIQUE (name, kind, version)
);

CREATE TABLE scanned_layer (
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	PRIMARY KEY (layer_id, scanner_id)
);

CREATE TABLE scanned_manifest (
	manifest_id INTEGER NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	PRIMARY KEY (manifest_id, scanner_id)
);

CREATE TABLE indexreport (
	manifest_id INTEGER PRIMARY KEY REFERENCES manifest (id) ON DELETE CASCADE,
	scan_result TEXT NOT NULL CHECK (json_valid(scan_result))
);

CREATE TABLE dist (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	did TEXT NOT NULL DEFAULT '',
	version TEXT NOT NULL DEFAULT '',
	version_code_name TEXT NOT NULL DEFAULT '',
	version_id TEXT NOT NULL DEFAULT '',
	arch TEXT NOT NULL DEFAULT '',
	cpe TEXT NOT NULL DEFAULT '',
	pretty_name TEXT NOT NULL DEFAULT '',
	UNIQUE (name, did, version, version_code_name, version_id, arch, cpe, pretty_name)
);

CREATE TABLE dist_scanartifact (
	dist_id INTEGER NOT NULL REFERENCES dist (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	PRIMARY KEY (layer_id, scanner_id, dist_id)
);

-- norm_version: the normalised version as a fixed-width big-endian byte
-- string with sign-flipped components, so it orders correctly as bytes.
CREATE TABLE package (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT '',
	version TEXT NOT NULL DEFAULT '',
	norm_kind TEXT NOT NULL DEFAULT '',
	norm_version BLOB,
	module TEXT NOT NULL DEFAULT '',
	arch TEXT NOT NULL DEFAULT '',
	UNIQUE (name, version, kind, module, arch)
);

CREATE TABLE package_scanartifact (
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	package_id INTEGER NOT NULL REFERENCES package (id) ON DELETE CASCADE,
	source_id INTEGER NOT NULL REFERENCES package (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	package_db TEXT NOT NULL DEFAULT '',
	repository_hint TEXT NOT NULL DEFAULT '',
	filepath TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (layer_id, package_id, source_id, scanner_id, package_db, repository_hint)
);

CREATE TABLE repo (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	key TEXT NOT NULL DEFAULT '',
	uri TEXT NOT NULL DEFAULT '',
	cpe TEXT NOT NULL DEFAULT '',
	UNIQUE (name, key, uri)
);

CREATE TABLE repo_scanartifact (
	repo_id INTEGER NOT NULL REFERENCES repo (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	PRIMARY KEY (layer_id, repo_id, scanner_id)
);

CREATE TABLE file (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT '',
	UNIQUE (path, kind)
);

CREATE TABLE file_scanartifact (
	file_id INTEGER NOT NULL REFERENCES file (id) ON DELETE CASCADE,
	scanner_id INTEGER NOT NULL REFERENCES scanner (id) ON DELETE CASCADE,
	layer_id INTEGER NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
	PRIMARY KEY (layer_id, scanner_id, file_id)
);

-- The reverse index the notifier uses: which manifests hold a package.
CREATE TABLE manifest_index (
	id INTEGER PRIMARY KEY,
	package_id INTEGER NOT NULL REFERENCES package (id) ON DELETE CASCADE,
	dist_id INTEGER REFERENCES dist (id) ON DELETE CASCADE,
	repo_id INTEGER REFERENCES repo (id) ON DELETE CASCADE,
	manifest_id INTEGER NOT NULL REFERENCES manifest (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX manifest_index_unique
	ON manifest_index (package_id, COALESCE(dist_id, 0), COALESCE(repo_id, 0), manifest_id);
CREATE INDEX manifest_index_manifest_id_idx ON manifest_index (manifest_id);
