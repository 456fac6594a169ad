-- Conference objects, one row each, as the model stores them (the SQLite store's columns).
CREATE TABLE conference_object (
    uri        text PRIMARY KEY,
    kind       text NOT NULL,
    parent_uri text,
    version    bigint NOT NULL CHECK (version > 0),
    owner      text,
    sip_uri    text,
    document   bytea NOT NULL,
    created    timestamptz NOT NULL,
    modified   timestamptz NOT NULL
);

-- Children are looked up before a deletion and when a node refreshes a parent.
CREATE INDEX conference_object_parent ON conference_object (parent_uri);

-- Every change tells the other nodes: "<writer's application_name> <uri> <version>" (0: deleted).
-- From a trigger, so that a change made by hand reaches the nodes' caches too.
CREATE FUNCTION xconf_conference_object_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('xconf_conference_object',
            current_setting('application_name') || ' ' || OLD.uri || ' 0');
        RETURN OLD;
    END IF;
    PERFORM pg_notify('xconf_conference_object',
        current_setting('application_name') || ' ' || NEW.uri || ' ' || NEW.version);
    RETURN NEW;
END
$$;

CREATE TRIGGER conference_object_changed
    AFTER INSERT OR UPDATE OR DELETE ON conference_object
    FOR EACH ROW EXECUTE FUNCTION xconf_conference_object_changed();
