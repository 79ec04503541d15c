DO $mgen$
DECLARE
  mgen_lo posts.id%TYPE;
  mgen_hi posts.id%TYPE;
  mgen_done bigint := 0;
  mgen_rows bigint;
BEGIN
  SELECT id INTO mgen_lo FROM posts ORDER BY id LIMIT 1;
  WHILE mgen_lo IS NOT NULL LOOP
    SELECT b.id INTO mgen_hi FROM (SELECT id FROM posts WHERE id >= mgen_lo ORDER BY id LIMIT 1000) AS b
      ORDER BY b.id DESC LIMIT 1;
    UPDATE posts SET editor_id = user_id WHERE id >= mgen_lo AND id <= mgen_hi AND editor_id IS NULL AND (score > 0);
    GET DIAGNOSTICS mgen_rows = ROW_COUNT;
    mgen_done := mgen_done + mgen_rows;
    RAISE NOTICE 'mgen backfill posts.editor_id: % rows written, key up to %', mgen_done, mgen_hi;
    COMMIT;
    mgen_lo := NULL;
    SELECT id INTO mgen_lo FROM posts WHERE id > mgen_hi ORDER BY id LIMIT 1;
  END LOOP;
END
$mgen$;
-- down
