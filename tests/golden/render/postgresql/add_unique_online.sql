ALTER TABLE "order" ADD CONSTRAINT order_ref_key UNIQUE (ref);
-- down
ALTER TABLE "order" DROP CONSTRAINT order_ref_key;
