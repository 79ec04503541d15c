DROP PROCEDURE IF EXISTS mgen_backfill_posts_editor_id;
CREATE PROCEDURE mgen_backfill_posts_editor_id()
BEGIN
  SET @mgen_lo = NULL, @mgen_hi = NULL;
  SELECT id INTO @mgen_lo FROM posts ORDER BY id LIMIT 1;
  WHILE @mgen_lo IS NOT NULL DO
    SELECT b.id INTO @mgen_hi FROM (SELECT id FROM posts WHERE id >= @mgen_lo ORDER BY id LIMIT 1000) AS b
      ORDER BY b.id DESC LIMIT 1;
    UPDATE posts SET editor_id = user_id WHERE id >= @mgen_lo AND id <= @mgen_hi AND editor_id IS NULL AND (score > 0);
    COMMIT;
    SET @mgen_lo = NULL;
    SELECT id INTO @mgen_lo FROM posts WHERE id > @mgen_hi ORDER BY id LIMIT 1;
  END WHILE;
END;
CALL mgen_backfill_posts_editor_id();
DROP PROCEDURE mgen_backfill_posts_editor_id;
-- down
