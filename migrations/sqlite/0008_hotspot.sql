-- 热点预警 (issue 12): when the server raised a hotspot this case leads (unix seconds; NULL:
-- none), so the dashboard lists the day's hotspots without reading every state. Written by the
-- snapshot (format 6 rebuilds every row on open).
ALTER TABLE cases ADD COLUMN hotspot_at INTEGER;
