import { openDatabase, type Db } from '../../src/store/database.js';

/** A fresh database holding one video row (id 1, 640×480, 25 fps, 100 frames) and no file behind it. */
export function databaseWithVideoRow(path: string): Db {
  const db = openDatabase(path);
  db.prepare(
    `INSERT INTO videos (id, sha256, path, size_bytes, container, codec, width, height, fps_num, fps_den, fps, frame_count,
       frame_count_exact, duration_sec, ingested_at) VALUES (1, 'abc', '/v.mp4', 1, 'mp4', 'h264', 640, 480, 25, 1, 25, 100, 1, 4, 'now')`,
  ).run();
  return db;
}
