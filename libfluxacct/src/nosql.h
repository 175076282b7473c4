/* libfluxacct - forced first into every file of the SQL-free modules
 * (util, parse, fair-share arithmetic, engine) by libfluxacct/meson.build.
 * It poisons the SQLite API: including <sqlite3.h> there, or naming one of
 * these, stops the build.  Those modules take data in memory and never
 * reach the database; the modules above them do that. */
#ifndef FLUXACCT_NOSQL_H
#define FLUXACCT_NOSQL_H
#pragma GCC poison sqlite3 sqlite3_stmt sqlite3_open sqlite3_open_v2
#pragma GCC poison sqlite3_prepare_v2 sqlite3_exec sqlite3_step
#endif
