ALTER TABLE `order` ADD COLUMN label TEXT;
DROP PROCEDURE IF EXISTS mgen_backfill_order_label;
CREATE PROCEDURE mgen_backfill_order_label()
BEGIN
  SET @mgen_lo = NULL, @mgen_hi = NULL;
  SELECT id INTO @mgen_lo FROM `order` ORDER BY id LIMIT 1;
  WHILE @mgen_lo IS NOT NULL DO
    SELECT b.id INTO @mgen_hi FROM (SELECT id FROM `order` WHERE id >= @mgen_lo ORDER BY id LIMIT 10) AS b
      ORDER BY b.id DESC LIMIT 1;
    UPDATE `order` SET label = CONCAT(CAST(id AS CHAR), '-', `group`) WHERE id >= @mgen_lo AND id <= @mgen_hi AND label IS NULL;
    COMMIT;
    SET @mgen_lo = NULL;
    SELECT id INTO @mgen_lo FROM `order` WHERE id > @mgen_hi ORDER BY id LIMIT 1;
  END WHILE;
END;
CALL mgen_backfill_order_label();
DROP PROCEDURE mgen_backfill_order_label;
-- down
ALTER TABLE `order` DROP COLUMN label;
