-- precwatch schema v4: detection, second round.
--
-- `precwatch emerging` reads the engine's own hits of category 'unlisted'
-- (valid CAS numbers in no pack, names presented as substitutes) across all
-- versions: an index on the category keeps that a range scan.
CREATE INDEX hits_category ON hits(category, version_id);
