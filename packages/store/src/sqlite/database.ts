import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** The embedded index's file under the data directory. */
export const sqliteIndexFile = (dataDir: string) => path.join(dataDir, "regradar.db");

/**
 * Opens the embedded index's database: WAL so readers (CLI search) never block the indexer, and a busy
 * timeout so two writers (indexer, alerter) take turns instead of failing.
 */
export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  return db;
}
