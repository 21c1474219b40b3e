-- claro notifier schema, SQLite (reference §8.3: Clair's notifier
-- schema). The receipt status is a checked text instead of an enum type;
-- times are Unix seconds. SQLite adaptation: uuids are text, JSON is text
-- checked by json_valid().
-- SPDX-License-Identifier: Apache-2.0

CREATE TABLE notification (
	id TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE notifier_update_operation (
	uo_id TEXT NOT NULL PRIMARY KEY,
	updater TEXT NOT NULL,
	ts INTEGER NOT NULL
);
CREATE INDEX notifier_update_operation_updater_idx ON notifier_update_operation (updater, ts);

CREATE TABLE notification_body (
	id TEXT NOT NULL PRIMARY KEY,
	notification_id TEXT NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
	body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX notification_body_notification_idx ON notification_body (notification_id, id);

CREATE TABLE receipt (
	notification_id TEXT NOT NULL PRIMARY KEY REFERENCES notification (id) ON DELETE CASCADE,
	uo_id TEXT NOT NULL REFERENCES notifier_update_operation (uo_id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('created', 'delivered', 'delivery_failed', 'deleted')),
	ts INTEGER NOT NULL,
	details TEXT CHECK (json_valid(details))
);
CREATE INDEX receipt_notification_uo_idx ON receipt (notification_id, uo_id);
CREATE INDEX receipt_uo_idx ON receipt (uo_id);
CREATE INDEX receipt_status_idx ON receipt (status);
