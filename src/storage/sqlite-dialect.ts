// Kysely's SQLite dialect, tuned for one busy connection shared by many concurrent requests:
// prepared statements are reused, and requests wait for the connection in a first-come queue.
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
} from 'kysely';

const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely asks better-sqlite3 to prepare (parse and plan) every statement anew, which cost about a
 * sixth of the CPU time of a report submission. Statements are reusable, so keep the most recently
 * used ones by SQL text. A statement still being iterated (a streamed query) is never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt && !stmt.busy) {
        cache.delete(text); // set again below: the Map's insertion order is the LRU order
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/**
 * Kysely's driver guards the single connection with a lock that wakes every waiter on each release
 * (with 100 requests waiting, 100 wake-ups per query). This queue wakes only the next one, so the
 * driver's own lock is always free when asked.
 */
class QueuedSqliteDriver extends SqliteDriver {
  #waiting: Array<() => void> = [];
  #held = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#held = true;
    try {
      return await super.acquireConnection();
    } catch (e) {
      this.#handOn(); // never leave the queue held by a caller that did not get the connection
      throw e;
    }
  }

  override async releaseConnection(): Promise<void> {
    try {
      await super.releaseConnection();
    } finally {
      this.#handOn();
    }
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front (waiting up to busy_timeout). A deferred BEGIN that
   * read first could fail with SQLITE_BUSY_SNAPSHOT when the intake worker commits in between.
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  #handOn() {
    const next = this.#waiting.shift();
    if (next)
      next(); // stays held: handed straight to the next in line
    else this.#held = false;
  }
}

class QueuedSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver({ database: this.#database });
  }
}

export function sqliteDialect(sqlite: SQLite.Database): SqliteDialect {
  return new QueuedSqliteDialect(withStatementCache(sqlite));
}
