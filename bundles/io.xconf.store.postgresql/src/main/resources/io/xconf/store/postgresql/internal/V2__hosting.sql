-- The nodes of a cluster and the conferences each hosts (its SIP dialogs and mix are there).
-- Times are the database's (now()), never a node's clock: nodes need not agree on the time.

-- A running node: its name (XCONF_NODE), the process that uses the name now, where SIP reaches
-- it, and until when it counts as alive (renewed by the node every few seconds).
CREATE TABLE xconf_node (
    name     text PRIMARY KEY,
    instance text NOT NULL,
    sip_uri  text NOT NULL,
    started  timestamptz NOT NULL,
    expires  timestamptz NOT NULL
);

-- A conference's lease: the node (and process) that hosts it until "expires", renewed by it.
-- conference_id is the user part of the conference's SIP URI, which the proxy in front looks up.
CREATE TABLE conference_lease (
    conference_uri text PRIMARY KEY,
    conference_id  text NOT NULL UNIQUE,
    node           text NOT NULL,
    instance       text NOT NULL,
    expires        timestamptz NOT NULL
);

-- Renewal finds a node's leases by instance. "expires" has no index on purpose: it changes with
-- every renewal, and an unindexed column lets PostgreSQL update the row in place (HOT); the scan
-- for lapsed leases reads a small table.
CREATE INDEX conference_lease_instance ON conference_lease (instance);
