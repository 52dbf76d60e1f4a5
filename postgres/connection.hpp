// libpq behind RAII owners: connections, results, and errors that carry the server's SQLSTATE,
// message, detail and hint together with the statement that failed.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "postgres/sql_text.hpp"

namespace migc {


// A connection string as a user gave it (--url, DATABASE_URL, `migc introspect <url>`), read
// by libpq's own parser. The one place that decides what of it may be printed: the database,
// user, host and port, never its password nor the text itself, which may hold one that the
// parser could not find.
class ConnectionString {
 public:
  explicit ConnectionString(std::string_view text);

  // What libpq is handed: the text without surrounding spaces, with a SQLAlchemy-style scheme
  // (postgresql+psycopg2://) or an upper-case one as plain postgresql://.
  const std::string& libpq_text() const { return libpq_text_; }
  // Why it cannot be used, without quoting it; empty when libpq reads it.
  const std::string& unreadable() const { return unreadable_; }
  // `text` with every secret of this connection string replaced by ***: its passwords (as
  // given and as decoded), a connection string nested in dbname, and the text itself.
  std::string mask(std::string_view text) const;
  // "database `x` as user `u` via socket in /dir at port 5432", as libpq resolved it for this
  // connection (with PG* variables, service files and defaults), or, without one, from the
  // text's own options; masked.
  std::string describe(const PGconn* connection = nullptr) const;
  // Adds the secrets of what libpq used for `connection`, PG* variables and service files
  // included, to those `mask` replaces.
  void learn(const PGconn* connection);

 private:
  void read(std::string_view trimmed);
  void collect(const PQconninfoOption* options, bool as_given);

  std::string libpq_text_;
  std::string unreadable_;
  std::vector<std::string> secrets_;  // longest first
  std::vector<std::pair<std::string, std::string>> options_;  // keyword, value as parsed
};

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string sqlstate, std::string message, std::string detail, std::string hint, std::string statement);

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  const std::string& statement() const { return statement_; }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string hint_;
  std::string statement_;
};

// A connection that could not be made or was lost. The message is libpq's, masked.
class ConnectionError : public std::runtime_error {
 public:
  explicit ConnectionError(const std::string& message, std::string database = "")
      : std::runtime_error(message), database_(std::move(database)) {}
  // Which database it was, safe to print (see ConnectionString::describe); empty once connected.
  const std::string& database() const { return database_; }

 private:
  std::string database_;
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view value(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  PGresult* release() { return result_.release(); }
  const PGresult* native() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, ResultDeleter> result_;
};

class Connection {
 public:
  // Connects with a libpq conninfo string or URL; empty means libpq's defaults and PG* variables.
  // Throws ConnectionError, masked, naming the database as ConnectionString::describe does.
  explicit Connection(const std::string& conninfo);
  // The same server and credentials as `conninfo` (URL or key=value), but database `database`.
  Connection(const std::string& conninfo, const std::string& database);
  // As a program that names itself in pg_stat_activity (application_name), unless the conninfo
  // or PGAPPNAME names the connection otherwise.
  struct As {
    std::string application_name;
  };
  Connection(const std::string& conninfo, const As& as);
  // A connection someone else opened and will close (a service's own): used, never closed, and
  // its notice processor left alone.
  struct Borrowed {
    PGconn* connection;
  };
  explicit Connection(Borrowed borrowed);

  Result execute(std::string_view sql);
  Result execute(std::string_view sql, const std::vector<std::optional<std::string>>& parameters);
  // Statements whose text is fixed by the plan (multi-statement allowed): the simple protocol,
  // one round trip. `on_marker` sees the value of each marker the server passes before a failure:
  // a one-row, one-column result named `migc_step` (see step_marker), which places the failure
  // at its statement without running anything again.
  void execute_script(std::string_view sql, const std::function<void(std::string_view)>& on_marker = {});

  // Asks the server to cancel whatever this connection runs: safe from a signal handler.
  PGcancel* cancel_handle();

  // The database's name, masked: a name can hold a whole connection string.
  std::string database() const { return conninfo_.mask(PQdb(connection_.get())); }
  // Where this connection went, as libpq resolved it: safe to print.
  std::string description() const { return conninfo_.describe(connection_.get()); }
  PGconn* native() const { return connection_.get(); }

 private:
  struct Deleter {
    // Constructors, not a default member initializer or argument, which would leave it not
    // default-constructible while Connection is incomplete.
    Deleter() : owned(true) {}
    explicit Deleter(bool owns) : owned(owns) {}
    bool owned;
    void operator()(PGconn* connection) const {
      if (owned) PQfinish(connection);
    }
  };
  Result check(PGresult* result, std::string_view sql);
  void check_connected();
  void set_session_parameters();
  void keep_session_parameters();
  bool setting_parameters_ = false;

  struct CancelDeleter {
    void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
  };
  ConnectionString conninfo_;
  std::unique_ptr<PGconn, Deleter> connection_;
  std::unique_ptr<PGcancel, CancelDeleter> cancel_;
};

// The statement that marks, inside a script, that step `index` begins.
std::string step_marker(std::size_t index);

// Rolls back unless committed: a revision that throws leaves the database as it was.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace migc
