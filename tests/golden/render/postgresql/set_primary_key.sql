ALTER TABLE "order" DROP CONSTRAINT order_pkey;
ALTER TABLE "order" ADD CONSTRAINT order_pkey PRIMARY KEY (id, "group");
-- down
ALTER TABLE "order" DROP CONSTRAINT order_pkey;
ALTER TABLE "order" ADD CONSTRAINT order_pkey PRIMARY KEY (id);
