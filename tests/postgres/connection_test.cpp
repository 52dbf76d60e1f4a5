// Connection strings: whatever form one takes, well-formed or not, what is printed of it holds
// no password. The cases are the forms users write (an Alembic team's DATABASE_URL among them).
#include <gtest/gtest.h>

#include <string>

#include "postgres/connection.hpp"

namespace migc {
namespace {

constexpr std::string_view password = "Hunter2secret";

// What a message that quotes the connection string says once masked.
std::string masked(const ConnectionString& conninfo, std::string_view given) {
  return conninfo.mask("libpq: \"" + std::string(given) + "\"; database `" + conninfo.describe() + "`");
}

void expect_nothing_secret(std::string_view given) {
  const ConnectionString conninfo(given);
  EXPECT_EQ(masked(conninfo, given).find(password), std::string::npos) << given;
  EXPECT_EQ(conninfo.describe().find(password), std::string::npos) << given;
  EXPECT_EQ(conninfo.unreadable().find(password), std::string::npos) << given;
}

TEST(ConnectionString, Url) {
  const ConnectionString conninfo("postgresql://smartem:Hunter2secret@db.example:5433/smartem?sslmode=require");
  EXPECT_EQ(conninfo.unreadable(), "");
  EXPECT_EQ(conninfo.describe(), "database `smartem` as user `smartem` on host db.example at port 5433");
  EXPECT_EQ(conninfo.mask("password authentication failed: Hunter2secret"), "password authentication failed: ***");
}

TEST(ConnectionString, SqlAlchemyUrlIsRead) {
  const ConnectionString conninfo("postgresql+psycopg2://smartem:Hunter2secret@db.example/smartem");
  EXPECT_EQ(conninfo.unreadable(), "");
  EXPECT_EQ(conninfo.libpq_text(), "postgresql://smartem:Hunter2secret@db.example/smartem");
  EXPECT_EQ(conninfo.describe(), "database `smartem` as user `smartem` on host db.example");
  expect_nothing_secret("postgresql+psycopg2://smartem:Hunter2secret@db.example/smartem");
  expect_nothing_secret("postgresql+asyncpg://smartem:Hunter2secret@db.example/smartem");
}

TEST(ConnectionString, UpperCaseSchemeAndSpacesAreRead) {
  EXPECT_EQ(ConnectionString("POSTGRESQL://u:Hunter2secret@h/db").libpq_text(), "postgresql://u:Hunter2secret@h/db");
  EXPECT_EQ(ConnectionString("  postgresql://u:Hunter2secret@h/db\n").libpq_text(), "postgresql://u:Hunter2secret@h/db");
  EXPECT_EQ(ConnectionString(" postgresql://u:Hunter2secret@h/db").describe(), "database `db` as user `u` on host h");
  expect_nothing_secret(" postgresql://u:Hunter2secret@h/db");
  expect_nothing_secret("PostgreSQL://u:Hunter2secret@h/db");
}

TEST(ConnectionString, PercentEncodedPasswordKeyword) {
  // libpq decodes the keyword too: pass%77ord is password.
  const ConnectionString conninfo("postgresql:///db?host=/tmp&pass%77ord=Hunter2secret");
  EXPECT_EQ(conninfo.unreadable(), "");
  EXPECT_EQ(conninfo.mask("Hunter2secret"), "***");
  expect_nothing_secret("postgresql:///db?host=/tmp&pass%77ord=Hunter2secret");
  // Percent-encoded in the password itself: both the form given and the decoded one are secrets.
  const ConnectionString encoded("postgresql://u:Hunter2%73ecret@h/db");
  EXPECT_EQ(encoded.mask("Hunter2secret and Hunter2%73ecret"), "*** and ***");
}

TEST(ConnectionString, RawPercentIsUnreadableAndNotEchoed) {
  const ConnectionString conninfo("postgresql://u:Hunter2%secret@h/db");
  EXPECT_NE(conninfo.unreadable(), "");
  EXPECT_EQ(conninfo.unreadable().find("Hunter2"), std::string::npos);
  EXPECT_EQ(conninfo.unreadable().find("secret"), std::string::npos);
  EXPECT_EQ(conninfo.describe(), "an unparseable connection string");
  EXPECT_EQ(conninfo.unreadable().rfind("invalid percent-encoded token (the connection string is not shown", 0), 0)
      << conninfo.unreadable();
}

TEST(ConnectionString, RawAtOrSlashInUrlPasswordIsUnreadable) {
  // libpq would take the password to end at the first `@`, or at the `/`, and print the rest
  // as a host or database name.
  for (const char* given : {"postgresql://u:Hunter2@secret@h/db", "postgresql://u:Hunter2/secret@h/db"}) {
    const ConnectionString conninfo(given);
    EXPECT_NE(conninfo.unreadable(), "") << given;
    EXPECT_EQ(conninfo.unreadable().find("secret"), std::string::npos) << given;
    EXPECT_EQ(conninfo.describe(), "an unparseable connection string") << given;
  }
}

TEST(ConnectionString, KeywordValue) {
  const ConnectionString conninfo("host=db user=u password=Hunter2secret dbname=x");
  EXPECT_EQ(conninfo.describe(), "database `x` as user `u` on host db");
  EXPECT_EQ(conninfo.mask("missing \"=\" after \"Hunter2secret\""), "missing \"=\" after \"***\"");
  expect_nothing_secret("password = 'a b\\'Hunter2secret' host=db");
}

TEST(ConnectionString, UnparseableKeywordValueIsNotEchoed) {
  const ConnectionString conninfo("host=db password=Hunter2 secret");
  EXPECT_EQ(conninfo.unreadable().find("Hunter2"), std::string::npos);
  EXPECT_EQ(conninfo.unreadable().find("secret"), std::string::npos);
  EXPECT_EQ(conninfo.unreadable().rfind("missing \"=\" after (the connection string is not shown", 0), 0) << conninfo.unreadable();
  EXPECT_EQ(conninfo.mask("libpq said: host=db password=Hunter2 secret"), "libpq said: ***");
}

TEST(ConnectionString, UrlInDbname) {
  // libpq takes it as a database name, and the server says that name does not exist.
  const std::string given = "dbname=postgresql://u:Hunter2secret@h/db host=/tmp";
  const ConnectionString conninfo(given);
  EXPECT_EQ(conninfo.unreadable(), "");
  EXPECT_EQ(conninfo.mask("FATAL:  database \"postgresql://u:Hunter2secret@h/db\" does not exist"),
            "FATAL:  database \"***\" does not exist");
  EXPECT_EQ(conninfo.describe(), "the default database via socket in /tmp");
  expect_nothing_secret(given);
  // The server cuts the name to 63 bytes, here inside the password.
  const ConnectionString cut("dbname=postgresql://a_user_with_a_long_name_of_many_letters:Hunter2secret@h/db");
  EXPECT_EQ(cut.mask("database \"postgresql://a_user_with_a_long_name_of_many_letters:Hunter2sec\" does not exist"),
            "database \"***\" does not exist");
}

TEST(ConnectionString, NotPostgres) {
  const ConnectionString conninfo("mysql://u:Hunter2secret@h/db");
  EXPECT_EQ(conninfo.unreadable(), "a `mysql://` URL is not a PostgreSQL connection string");
  expect_nothing_secret("mysql://u:Hunter2secret@h/db");
}

TEST(ConnectionString, TwelveThousandCharacterPassword) {
  const std::string long_password(12000, 'p');
  for (const std::string& given : {"host=db user=u password='" + long_password + "' dbname=x",
                                   "postgresql://u:" + long_password + "@h/db", "password='" + long_password}) {
    const ConnectionString conninfo(given);
    const std::string message = conninfo.mask("echo: " + given);
    EXPECT_EQ(message.find("pppppppppp"), std::string::npos) << message.substr(0, 200);
    if (conninfo.unreadable().empty()) {
      EXPECT_EQ(conninfo.mask(long_password), "***");
    }
    EXPECT_EQ(conninfo.describe().find("pppppppppp"), std::string::npos);
    EXPECT_EQ(conninfo.unreadable().find("pppppppppp"), std::string::npos);
  }
}

TEST(ConnectionString, NothingToMask) {
  const ConnectionString conninfo("host=/tmp/sock dbname=x");
  EXPECT_EQ(conninfo.mask("connection to server on socket \"/tmp/sock/.s.PGSQL.5432\" failed"),
            "connection to server on socket \"/tmp/sock/.s.PGSQL.5432\" failed");
  EXPECT_EQ(conninfo.describe(), "database `x` via socket in /tmp/sock");
  EXPECT_EQ(ConnectionString("").describe(), "the default database");
}

}  // namespace
}  // namespace migc
