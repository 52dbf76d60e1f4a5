// libpq wrappers.
#include "postgres/connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace migc {

namespace {

constexpr std::string_view spaces = " \t\n\r\f\v";

// "postgresql+psycopg2" of postgresql+psycopg2://..., as RFC 3986 spells a scheme; else empty.
std::string_view url_scheme(std::string_view text) {
  const auto end = text.find("://");
  if (end == std::string_view::npos || end == 0 || std::isalpha(static_cast<unsigned char>(text[0])) == 0) return {};
  const std::string_view scheme = text.substr(0, end);
  const bool well_formed = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '.' || c == '-';
  });
  return well_formed ? scheme : std::string_view();
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// libpq's complaint about a string it cannot read, cut where it starts quoting that string:
// `missing "=" after "<the whole input>" in ...` keeps `missing "=" after`. A quoted single
// punctuation mark is libpq's own, saying what it expected.
std::string before_quoted_input(std::string_view message) {
  std::size_t at = 0;
  for (;;) {
    const auto open = message.find('"', at);
    if (open == std::string_view::npos) break;
    const auto close = message.find('"', open + 1);
    const bool punctuation = close == open + 2 && std::ispunct(static_cast<unsigned char>(message[open + 1])) != 0;
    if (!punctuation) {
      message = message.substr(0, open);
      break;
    }
    at = close + 1;
  }
  while (!message.empty() && (spaces.find(message.back()) != std::string_view::npos || message.back() == ':')) {
    message.remove_suffix(1);
  }
  return std::string(message);
}

}  // namespace

ConnectionString::ConnectionString(std::string_view text) {
  const auto first = text.find_first_not_of(spaces);
  const std::string_view trimmed =
      first == std::string_view::npos ? std::string_view() : text.substr(first, text.find_last_not_of(spaces) - first + 1);
  if (!text.empty()) secrets_.emplace_back(text);
  if (!trimmed.empty() && trimmed != text) secrets_.emplace_back(trimmed);
  read(trimmed);
  // The longest first: the whole text goes before a password inside it.
  std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
}

void ConnectionString::read(std::string_view trimmed) {
  libpq_text_ = trimmed;
  if (const std::string_view scheme = url_scheme(trimmed); !scheme.empty()) {
    const std::string name = lower_case(scheme);
    const std::string_view family = std::string_view(name).substr(0, name.find('+'));
    if (family != "postgresql" && family != "postgres") {
      unreadable_ = fmt::format("a `{}://` URL is not a PostgreSQL connection string", scheme);
      return;
    }
    // SQLAlchemy's driver suffix means nothing to libpq, and a scheme is case-insensitive.
    libpq_text_ = "postgresql" + std::string(trimmed.substr(scheme.size()));
    // libpq ends the user and password at the first `@`, or at a `/` before it: a raw `@` or `/`
    // in a password leaves the rest of it in the host or the database name, to be printed.
    const std::string_view rest = std::string_view(libpq_text_).substr(libpq_text_.find("://") + 3);
    const auto at = rest.find_first_of("@/");
    const bool has_userinfo = at != std::string_view::npos && rest[at] == '@';
    if (has_userinfo) {
      const std::string_view userinfo = rest.substr(0, at);
      if (const auto colon = userinfo.find(':'); colon != std::string_view::npos && colon + 1 < userinfo.size()) {
        secrets_.emplace_back(userinfo.substr(colon + 1));  // as written, percent-encoded
      }
    }
    std::string_view after = has_userinfo ? rest.substr(at + 1) : rest;
    after = after.substr(0, after.find('?'));
    if (after.find('@') != std::string_view::npos) {
      unreadable_ = "a URL whose user name or password holds a raw `@` or `/` (write them %40 and %2F)";
      return;
    }
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(libpq_text_.c_str(), &error);
  if (parsed == nullptr) {
    unreadable_ = error == nullptr ? "out of memory" : before_quoted_input(error);
    unreadable_ += " (the connection string is not shown, as it may hold a password; in a URL, write `%`, `@`, `/` and "
                   "spaces in a password as %25, %40, %2F and %20)";
    PQfreemem(error);
    return;
  }
  collect(parsed, true);
  PQconninfoFree(parsed);
}

// A value that holds a connection string, where a name goes (dbname, user, host, a service
// file's or a PG* variable's): libpq takes it as a name, and it or the server quotes the name,
// password and all, cut to an identifier's 63 bytes.
static bool holds_connection_string(std::string_view value) {
  return value.find("://") != std::string_view::npos || value.find('=') != std::string_view::npos ||
         value.find("password") != std::string_view::npos || value.find("PASSWORD") != std::string_view::npos;
}

void ConnectionString::collect(const PQconninfoOption* options, bool as_given) {
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    const std::string_view keyword = option->keyword;
    const std::string_view value = option->val;
    if (std::string_view(option->dispchar) == "*") {
      secrets_.emplace_back(value);
    } else if (keyword != "options" && holds_connection_string(value)) {
      const ConnectionString nested(value);
      secrets_.insert(secrets_.end(), nested.secrets_.begin(), nested.secrets_.end());
      secrets_.emplace_back(value);
      secrets_.emplace_back(value.substr(0, 63));
    } else if (as_given) {
      options_.emplace_back(keyword, value);
    }
  }
  std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void ConnectionString::learn(const PGconn* connection) {
  if (connection == nullptr) return;
  // What libpq used, PG* variables and service files included: their secrets too.
  PQconninfoOption* used = PQconninfo(const_cast<PGconn*>(connection));
  if (used == nullptr) return;
  collect(used, false);
  PQconninfoFree(used);
}

std::string ConnectionString::mask(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) out.replace(at, secret.size(), "***");
  }
  return out;
}

std::string ConnectionString::describe(const PGconn* connection) const {
  std::string database;
  std::string user;
  std::string host;
  std::string port;
  if (connection != nullptr && PQdb(connection) != nullptr) {
    const auto value = [](const char* text) { return text == nullptr ? std::string() : std::string(text); };
    database = value(PQdb(connection));
    user = value(PQuser(connection));
    host = value(PQhost(connection));
    port = value(PQport(connection));
  } else if (unreadable_.empty()) {
    for (const auto& [keyword, value] : options_) {
      if (keyword == "dbname") database = value;
      if (keyword == "user") user = value;
      if (keyword == "host") host = value;
      if (keyword == "port") port = value;
    }
  } else {
    return "an unparseable connection string";
  }
  std::string text = database.empty() ? std::string("the default database") : fmt::format("database `{}`", database);
  if (!user.empty()) text += fmt::format(" as user `{}`", user);
  // libpq's own test for a socket directory: an absolute path, or `@` for the abstract namespace.
  if (!host.empty()) text += (host[0] == '/' || host[0] == '@' ? " via socket in " : " on host ") + host;
  if (!port.empty()) text += fmt::format(" at port {}", port);
  return mask(text);
}

DatabaseError::DatabaseError(std::string sqlstate, std::string message, std::string detail, std::string hint,
                             std::string statement)
    : std::runtime_error(std::move(message)),
      sqlstate_(std::move(sqlstate)),
      detail_(std::move(detail)),
      hint_(std::move(hint)),
      statement_(std::move(statement)) {}

namespace {

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string() : std::string(value);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void ignore_notice(void*, const char*) {}

}  // namespace

Connection::Connection(const std::string& conninfo) : conninfo_(conninfo) {
  if (!conninfo_.unreadable().empty()) throw ConnectionError(conninfo_.unreadable(), conninfo_.describe());
  connection_.reset(PQconnectdb(conninfo_.libpq_text().c_str()));
  check_connected();
}

Connection::Connection(const std::string& conninfo, const std::string& database) : conninfo_(conninfo) {
  if (!conninfo_.unreadable().empty()) throw ConnectionError(conninfo_.unreadable(), conninfo_.describe());
  // With expand_dbname, the first dbname is read as the whole conninfo and the second overrides it.
  const char* keywords[] = {"dbname", "dbname", nullptr};
  const char* values[] = {conninfo_.libpq_text().c_str(), database.c_str(), nullptr};
  connection_.reset(PQconnectdbParams(keywords, values, 1));
  check_connected();
}

Connection::Connection(const std::string& conninfo, const As& as) : conninfo_(conninfo) {
  if (!conninfo_.unreadable().empty()) throw ConnectionError(conninfo_.unreadable(), conninfo_.describe());
  // With expand_dbname, dbname is read as the whole conninfo; an empty one leaves libpq's defaults.
  const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo_.libpq_text().c_str(), as.application_name.c_str(), nullptr};
  connection_.reset(PQconnectdbParams(keywords, values, 1));
  check_connected();
}

Connection::Connection(Borrowed borrowed) : conninfo_(""), connection_(borrowed.connection, Deleter{false}) {
  if (!connection_ || PQstatus(connection_.get()) != CONNECTION_OK) {
    throw ConnectionError("the connection given is not open", conninfo_.describe(connection_.get()));
  }
  set_session_parameters();
}

void Connection::check_connected() {
  if (!connection_) throw ConnectionError("out of memory allocating a libpq connection", conninfo_.describe());
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    // libpq's message quotes what it was given: a host, a database name, a socket path.
    conninfo_.learn(connection_.get());
    throw ConnectionError(conninfo_.mask(trimmed(PQerrorMessage(connection_.get()))), conninfo_.describe(connection_.get()));
  }
  // Server notices ("relation already exists, skipping") are not the user's business here.
  PQsetNoticeProcessor(connection_.get(), ignore_notice, nullptr);
  set_session_parameters();
}

// A revision may have changed a setting SQL is read under, for the session, where no compiler
// sees it (a DO block's dynamic `set standard_conforming_strings = off`): the server reports
// such settings with each reply, so they are set again before anything more is sent. Without
// this, a backslash before a quote in a later literal would end it early.
void Connection::keep_session_parameters() {
  if (setting_parameters_ || !connection_) return;
  const PGTransactionStatusType state = PQtransactionStatus(connection_.get());
  if (state != PQTRANS_IDLE && state != PQTRANS_INTRANS) return;  // a failed transaction takes only ROLLBACK
  for (const auto& parameter : session_parameters()) {
    const char* reported = PQparameterStatus(connection_.get(), std::string(parameter.name).c_str());
    if (reported != nullptr && std::string_view(reported) != parameter.value) {
      set_session_parameters();
      return;
    }
  }
}

void Connection::set_session_parameters() {
  // One round trip: set_config() returns the value the setting has after it, which is the check.
  std::string sql = "SELECT ";
  std::vector<std::optional<std::string>> values;
  for (const auto& parameter : session_parameters()) {
    sql += fmt::format("{}set_config(${}, ${}, false)", values.empty() ? "" : ", ", values.size() + 1, values.size() + 2);
    values.emplace_back(std::string(parameter.name));
    values.emplace_back(std::string(parameter.value));
  }
  const auto set = [&] {
    try {
      setting_parameters_ = true;  // execute() would otherwise come back here
      struct Done {
        bool& flag;
        ~Done() { flag = false; }
      } done{setting_parameters_};
      return execute(sql, values);
    } catch (const DatabaseError& error) {
      throw ConnectionError(fmt::format("cannot set the session parameters generated SQL is written for: {} {}",
                                        error.sqlstate(), error.what()),
                            description());
    }
  }();
  for (int i = 0; i < set.columns(); ++i) {
    const SessionParameter& parameter = session_parameters()[static_cast<std::size_t>(i)];
    if (set.value(0, i) == parameter.value) continue;
    throw ConnectionError(fmt::format("the server reports {} = {} after this session set it to {}, which the generated "
                                      "SQL is written for; nothing was run",
                                      parameter.name, set.value(0, i), parameter.value),
                          description());
  }
}

Result Connection::check(PGresult* raw, std::string_view sql) {
  Result result(raw);  // owned before any status check, so no path leaks it
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return result;
  if (raw == nullptr || PQstatus(connection_.get()) == CONNECTION_BAD) {
    throw ConnectionError(conninfo_.mask(trimmed(PQerrorMessage(connection_.get()))));
  }
  throw DatabaseError(field(raw, PG_DIAG_SQLSTATE), trimmed(field(raw, PG_DIAG_MESSAGE_PRIMARY)),
                      field(raw, PG_DIAG_MESSAGE_DETAIL), field(raw, PG_DIAG_MESSAGE_HINT), std::string(sql));
}

Result Connection::execute(std::string_view sql) {
  keep_session_parameters();
  const std::string text(sql);
  return check(PQexecParams(connection_.get(), text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), sql);
}

Result Connection::execute(std::string_view sql, const std::vector<std::optional<std::string>>& parameters) {
  keep_session_parameters();
  const std::string text(sql);
  std::vector<const char*> values;
  for (const auto& parameter : parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
  return check(PQexecParams(connection_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0),
               sql);
}

void Connection::execute_script(std::string_view sql, const std::function<void(std::string_view)>& on_marker) {
  keep_session_parameters();
  const std::string text(sql);
  if (PQsendQuery(connection_.get(), text.c_str()) == 0) {
    throw ConnectionError(conninfo_.mask(trimmed(PQerrorMessage(connection_.get()))));
  }
  // Every result is read, also after a failure: the connection is not free until the last.
  std::optional<Result> failed;
  while (PGresult* raw = PQgetResult(connection_.get())) {
    Result result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    // COPY through the client (the compiler refuses it in a revision; SQL from elsewhere may hold
    // it): the server waits for rows, or sends them, until the client ends the copy. Ended here,
    // or the connection would wait for ever: rows to send become the server's error, rows sent
    // are dropped.
    if (status == PGRES_COPY_IN) {
      PQputCopyEnd(connection_.get(), "the migrator sends no rows to COPY FROM STDIN");
      continue;
    }
    if (status == PGRES_COPY_OUT) {
      char* row = nullptr;
      while (PQgetCopyData(connection_.get(), &row, 0) > 0) PQfreemem(row);
      continue;
    }
    if (status == PGRES_TUPLES_OK && !failed && on_marker && PQnfields(raw) == 1 && PQntuples(raw) == 1 &&
        std::string_view(PQfname(raw, 0)) == "migc_step") {
      on_marker(result.value(0, 0));
    }
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY && !failed) {
      failed.emplace(std::move(result));
    }
  }
  if (failed) check(failed->release(), sql);
  if (PQstatus(connection_.get()) == CONNECTION_BAD) throw ConnectionError(conninfo_.mask(trimmed(PQerrorMessage(connection_.get()))));
}

PGcancel* Connection::cancel_handle() {
  if (!cancel_) cancel_.reset(PQgetCancel(connection_.get()));
  return cancel_.get();
}

std::string step_marker(std::size_t index) { return "SELECT " + std::to_string(index) + " AS migc_step"; }

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.execute("BEGIN"); }

Transaction::~Transaction() {
  if (!open_) return;
  // A failed ROLLBACK means the connection is gone, and the server rolls back on its own.
  PGresult* result = PQexec(connection_.native(), "ROLLBACK");
  PQclear(result);
}

void Transaction::commit() {
  open_ = false;
  connection_.execute("COMMIT");
}

}  // namespace migc
