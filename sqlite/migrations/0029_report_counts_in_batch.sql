-- 0029_report_counts_in_batch: a new comment's report counters are no
-- longer added by a trigger (eight upserts per row, 0027) but by the
-- writer, summed over its transaction and written once before it commits
-- (sqlite/reportdeltas.go): a group commit of k submissions, or an import of
-- 100,000 rows, then writes each counter once instead of k or 100,000
-- times. Updates and deletions keep their triggers.
DROP TRIGGER comments_report_insert;
