DROP PROCEDURE IF EXISTS mgen_backfill_order_user_id;
CREATE PROCEDURE mgen_backfill_order_user_id()
BEGIN
  SET @mgen_lo = NULL, @mgen_hi = NULL;
  SELECT id INTO @mgen_lo FROM `order` ORDER BY id LIMIT 1;
  WHILE @mgen_lo IS NOT NULL DO
    SELECT b.id INTO @mgen_hi FROM (SELECT id FROM `order` WHERE id >= @mgen_lo ORDER BY id LIMIT 1) AS b
      ORDER BY b.id DESC LIMIT 1;
    UPDATE `order` SET user_id = id WHERE id >= @mgen_lo AND id <= @mgen_hi AND user_id IS NULL AND (`group` <> 'books');
    COMMIT;
    SET @mgen_lo = NULL;
    SELECT id INTO @mgen_lo FROM `order` WHERE id > @mgen_hi ORDER BY id LIMIT 1;
  END WHILE;
END;
CALL mgen_backfill_order_user_id();
DROP PROCEDURE mgen_backfill_order_user_id;
-- down
