// libpq wrappers.
#include "runtime/postgres.hpp"

#include <fmt/format.h>

#include <regex>

namespace migc::runtime {

std::span<const SessionParameter> session_parameters() {
  static constexpr SessionParameter parameters[] = {
      // quote_literal() doubles quotes only: with this off, a backslash in a literal is an escape.
      {"standard_conforming_strings", "on"},
      // The plan's text is UTF-8; another client encoding would have the server convert it.
      {"client_encoding", "UTF8"},
      // How date, time and interval literals are read ('01/02/2026', '-1 2:00'), and how the
      // catalog prints them back to `check` and `migc introspect`.
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      // How the catalog prints float and bytea constants back.
      {"extra_float_digits", "1"},
      {"bytea_output", "hex"},
      // How xml and array literals, and `= NULL`, are read.
      {"xmloption", "content"},
      {"array_nulls", "on"},
      {"transform_null_equals", "off"},
      // A function an `execute` step creates is checked when it is created, on every server alike.
      {"check_function_bodies", "on"},
  };
  return parameters;
}

std::string mask_password(std::string_view conninfo) {
  std::string text(conninfo);
  // URL form: scheme://user:password@host
  static const std::regex url_password(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@)");
  text = std::regex_replace(text, url_password, "$1:***@");
  // URL query parameter or key=value form: password=..., possibly quoted
  static const std::regex keyword_password(R"((^|[\s?&])password\s*=\s*('([^'\\]|\\.)*'|[^\s&]*))");
  return std::regex_replace(text, keyword_password, "$1password=***");
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

Connection::Connection(const std::string& conninfo) : connection_(PQconnectdb(conninfo.c_str())) {
  check_connected();
}

Connection::Connection(const std::string& conninfo, const std::string& database) {
  // With expand_dbname, the first dbname is read as the whole conninfo and the second overrides it.
  const char* keywords[] = {"dbname", "dbname", nullptr};
  const char* values[] = {conninfo.c_str(), database.c_str(), nullptr};
  connection_.reset(PQconnectdbParams(keywords, values, 1));
  check_connected();
}

void Connection::check_connected() {
  if (!connection_) throw ConnectionError("out of memory allocating a libpq connection");
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    throw ConnectionError(trimmed(PQerrorMessage(connection_.get())));
  }
  // Server notices ("relation already exists, skipping") are not the user's business here.
  PQsetNoticeProcessor(connection_.get(), ignore_notice, nullptr);
  set_session_parameters();
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
      return execute(sql, values);
    } catch (const DatabaseError& error) {
      throw ConnectionError(fmt::format("cannot set the session parameters generated SQL is written for: {} {}",
                                        error.sqlstate(), error.what()));
    }
  }();
  for (int i = 0; i < set.columns(); ++i) {
    const SessionParameter& parameter = session_parameters()[static_cast<std::size_t>(i)];
    if (set.value(0, i) == parameter.value) continue;
    throw ConnectionError(fmt::format("the server reports {} = {} after this session set it to {}, which the generated "
                                      "SQL is written for; nothing was run",
                                      parameter.name, set.value(0, i), parameter.value));
  }
}

Result Connection::check(PGresult* raw, std::string_view sql) {
  Result result(raw);  // owned before any status check, so no path leaks it
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return result;
  if (raw == nullptr || PQstatus(connection_.get()) == CONNECTION_BAD) {
    throw ConnectionError(trimmed(PQerrorMessage(connection_.get())));
  }
  throw DatabaseError(field(raw, PG_DIAG_SQLSTATE), trimmed(field(raw, PG_DIAG_MESSAGE_PRIMARY)),
                      field(raw, PG_DIAG_MESSAGE_DETAIL), field(raw, PG_DIAG_MESSAGE_HINT), std::string(sql));
}

Result Connection::execute(std::string_view sql) {
  const std::string text(sql);
  return check(PQexecParams(connection_.get(), text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), sql);
}

Result Connection::execute(std::string_view sql, const std::vector<std::optional<std::string>>& parameters) {
  const std::string text(sql);
  std::vector<const char*> values;
  for (const auto& parameter : parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
  return check(PQexecParams(connection_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0),
               sql);
}

void Connection::execute_script(std::string_view sql, const std::function<void(std::string_view)>& on_marker) {
  const std::string text(sql);
  if (PQsendQuery(connection_.get(), text.c_str()) == 0) throw ConnectionError(trimmed(PQerrorMessage(connection_.get())));
  // Every result is read, also after a failure: the connection is not free until the last.
  std::optional<Result> failed;
  while (PGresult* raw = PQgetResult(connection_.get())) {
    Result result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_TUPLES_OK && !failed && on_marker && PQnfields(raw) == 1 && PQntuples(raw) == 1 &&
        std::string_view(PQfname(raw, 0)) == "migc_step") {
      on_marker(result.value(0, 0));
    }
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY && !failed) {
      failed.emplace(std::move(result));
    }
  }
  if (failed) check(failed->release(), sql);
  if (PQstatus(connection_.get()) == CONNECTION_BAD) throw ConnectionError(trimmed(PQerrorMessage(connection_.get())));
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

}  // namespace migc::runtime
