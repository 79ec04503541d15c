ALTER TABLE "order" ADD CONSTRAINT order_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE "order" VALIDATE CONSTRAINT order_total_check;
-- down
ALTER TABLE "order" DROP CONSTRAINT order_total_check;
ALTER TABLE "order" ADD CONSTRAINT order_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE "order" DROP CONSTRAINT order_total_check;
