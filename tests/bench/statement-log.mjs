// Preloaded into the server by tests/bench/statements.ts (`node --import`): appends the text of every SQL statement
// the pg client sends to STATEMENT_LOG, one statement a line, so a script can count the statements of one request.
import { appendFileSync } from "node:fs";
import pg from "pg";

const file = process.env.STATEMENT_LOG ?? "statements.log";
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === "string" ? config : config?.text;
  if (text) appendFileSync(file, `${text.replace(/\s+/g, " ")}\n`);
  return query.call(this, config, ...rest);
};
