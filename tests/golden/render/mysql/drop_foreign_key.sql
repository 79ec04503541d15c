ALTER TABLE `order` DROP FOREIGN KEY order_user_id_fkey;
ALTER TABLE `order` DROP INDEX order_user_id_fkey;
-- down
ALTER TABLE `order` ADD CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
