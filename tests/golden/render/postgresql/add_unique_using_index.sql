CREATE UNIQUE INDEX CONCURRENTLY order_ref_tmp_idx ON "order" (ref);
ALTER TABLE "order" ADD CONSTRAINT order_ref_key UNIQUE USING INDEX order_ref_tmp_idx;
-- down
ALTER TABLE "order" DROP CONSTRAINT order_ref_key;
CREATE UNIQUE INDEX order_ref_tmp_idx ON "order" (ref);
DROP INDEX CONCURRENTLY order_ref_tmp_idx;
