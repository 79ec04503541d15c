ALTER TABLE "order" DROP CONSTRAINT order_user_id_fkey;
-- down
ALTER TABLE "order" ADD CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
