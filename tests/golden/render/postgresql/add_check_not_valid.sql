ALTER TABLE "order" ADD CONSTRAINT order_total_check CHECK (total >= 0) NOT VALID;
-- down
ALTER TABLE "order" DROP CONSTRAINT order_total_check;
