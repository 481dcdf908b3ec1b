-- Storage per case (docs/BENCHMARKS.md, issue 16): each event's JSON body repeated its id, case
-- and device, which its columns hold too — about 125 of its 440 bytes. A body is now stored
-- without them (`stored_event::stored_body`) and read whole through `whole_event`. Rows stored before
-- keep the three keys: `||` puts back the same values over them, so they need no rewrite.
-- The time stays in the body: the column holds microseconds, an event's JSON may hold more.
CREATE FUNCTION whole_event(body jsonb, id uuid, case_id uuid, device_id text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN body || jsonb_build_object('id', id, 'case', case_id, 'device', device_id);
