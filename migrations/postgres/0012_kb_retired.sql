-- When an article was withdrawn from the seats (退役), until a new version of it is approved.
-- Its status alone could not say it: writing a new draft of a retired article made its status
-- 'draft', and the last approved text went back to every seat.
ALTER TABLE kb_articles ADD COLUMN retired_at TIMESTAMPTZ;
UPDATE kb_articles SET retired_at = updated_at WHERE status = 'retired';
