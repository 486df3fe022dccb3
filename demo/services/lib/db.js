// SQLite through better-sqlite3, with a CLIENT span per statement following the OpenTelemetry
// database semantic conventions (better-sqlite3 has no instrumentation of its own). Both the
// stable names (db.system.name, db.namespace, db.query.text, db.operation.name,
// db.collection.name) and the older ones (db.system, db.name, db.statement, db.operation,
// db.sql.table) are set, so tools of either generation read them.
//
// Statements run synchronously, as better-sqlite3 runs them; a slow-query fault then holds
// the statement's span open for the extra time without blocking the event loop, as a
// database across the network would.
import Database from 'better-sqlite3';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { queryDelay } from './faults.js';
import { sleep } from './random.js';
import { tracer } from './service.js';

export class TracedDatabase {
  /**
   * @param {string} path file of the database
   * @param {string} name the logical database name (db.namespace / db.name)
   */
  constructor(path, name) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.path = path;
    this.name = name;
    this.statements = new Map();
  }

  /** Runs DDL and seeding outside any span (start-up). */
  setup(fn) {
    this.db.transaction(() => fn(this.db))();
  }

  /** Rows of a SELECT. */
  all(sql, params = [], meta) {
    return this.execute('all', sql, params, meta);
  }

  /** First row of a SELECT, or undefined. */
  get(sql, params = [], meta) {
    return this.execute('get', sql, params, meta);
  }

  /** INSERT/UPDATE/DELETE: {changes, lastInsertRowid}. */
  run(sql, params = [], meta) {
    return this.execute('run', sql, params, meta);
  }

  /**
   * @param {'all'|'get'|'run'} method
   * @param {{operation: string, table: string}} meta the operation (SELECT, UPDATE...) and main table
   */
  async execute(method, sql, params, { operation, table }) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    const name = `${operation} ${table}`;
    const span = tracer.startSpan(name, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'sqlite',
        'db.system.name': 'sqlite',
        'db.name': this.name,
        'db.namespace': this.name,
        'db.statement': sql,
        'db.query.text': sql,
        'db.operation': operation,
        'db.operation.name': operation,
        'db.sql.table': table,
        'db.collection.name': table,
      },
    });
    try {
      const result = context.with(trace.setSpan(context.active(), span), () => statement[method](...params));
      if (method === 'all') span.setAttribute('db.response.returned_rows', result.length);
      else if (method === 'get') span.setAttribute('db.response.returned_rows', result ? 1 : 0);
      else span.setAttribute('db.response.affected_rows', result.changes);
      const delay = queryDelay([name, operation, table]);
      if (delay > 0) await sleep(delay);
      return result;
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      span.setAttribute('error.type', err.code ?? err.name);
      throw err;
    } finally {
      span.end();
    }
  }

  close() {
    this.db.close();
  }
}
