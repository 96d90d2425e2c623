-- 0008_bands_in_groups: near-duplicate candidates are found from the band
-- keys each group already holds (comment_groups.bands) when proposals are
-- asked for, instead of from a table of (band, group) rows written with
-- every new group: those 32 rows in random places of a large table were most
-- of what storing a new comment cost, for a question staff ask rarely.
DROP TABLE comment_group_bands;
