// Throwaway server: a private directory (0700), initdb, pg_ctl start on a socket in it, and a
// keeper process that deletes it all if the owner dies first.
//
// Who can connect: the directory is 0700 and owned by the account the server runs as, so no
// other local account can reach the socket in it (root can, which is how a migrator running as
// root connects to a server running as `postgres`). On top of that, superuser `postgres` is let
// in by peer authentication for the invoking account alone, and every other role needs a
// password. Nothing listens on TCP.
#include "postgres/ephemeral.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

namespace migc {
namespace {

namespace fs = std::filesystem;

// The keeper's name, which stop_released_server() checks before it signals a pid.
constexpr char keeper_name[] = "migc-keeper";
constexpr int port = 5432;  // names the socket file only: nothing listens on TCP

struct Account {
  uid_t uid;
  gid_t gid;
  std::string name;
};

// Who runs the server: whoever we are, except root, which PostgreSQL refuses.
Account server_account() {
  if (geteuid() != 0) {
    const passwd* self = getpwuid(geteuid());
    if (self == nullptr) throw std::runtime_error(fmt::format("a throwaway server needs a name for user id {} (it has no passwd entry)", geteuid()));
    return {self->pw_uid, self->pw_gid, self->pw_name};
  }
  const passwd* postgres = getpwnam("postgres");
  if (postgres == nullptr || postgres->pw_uid == 0) {
    throw std::runtime_error("as root, a throwaway server runs as the `postgres` account, and there is none: install "
                             "PostgreSQL's server package (it creates the account), or run as an ordinary user");
  }
  return {postgres->pw_uid, postgres->pw_gid, postgres->pw_name};
}

// Runs a program without a shell, as `account` when we are root; returns its exit status.
int run(const std::vector<std::string>& argv, const Account& account, const std::string& log) {
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error(fmt::format("cannot fork: {}", std::strerror(errno)));
  if (child == 0) {
    // The account first, so that the log belongs to whoever writes to it later.
    if (geteuid() == 0 && geteuid() != account.uid &&
        (initgroups(account.name.c_str(), account.gid) != 0 || setgid(account.gid) != 0 || setuid(account.uid) != 0)) {
      _exit(126);
    }
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return 128;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// What a program prints on stdout, run without a shell from PATH; nullopt when it cannot run or fails.
std::optional<std::string> output_of(const std::vector<std::string>& argv) {
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) return std::nullopt;
  const pid_t child = fork();
  if (child == 0) {
    const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(pipe_ends[1], 1) < 0 || dup2(null, 2) < 0) _exit(126);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_ends[1]);
  std::string out;
  char buffer[512];
  for (ssize_t got; child > 0 && (got = read(pipe_ends[0], buffer, sizeof buffer)) != 0;) {
    if (got > 0) out.append(buffer, static_cast<std::size_t>(got));
    else if (errno != EINTR) break;
  }
  close(pipe_ends[0]);
  if (child < 0) return std::nullopt;
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool has_server_programs(const fs::path& dir) {
  std::error_code error;
  return fs::exists(dir / "initdb", error) && fs::exists(dir / "pg_ctl", error);
}

// Newest major version first, in directories named after it (postgresql/15, pgsql-16, postgresql@14).
void add_versioned(std::vector<fs::path>& candidates, const fs::path& parent, std::string_view prefix, const fs::path& below) {
  std::vector<std::pair<int, fs::path>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    found.emplace_back(std::atoi(name.c_str() + prefix.size()), entry.path() / below);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [version, path] : found) candidates.push_back(path);
}

// Where initdb and pg_ctl are: the bindir pg_config names, then PATH, then the directories
// distributions install them in (Debian and Ubuntu, Red Hat's packages, Homebrew, a source build).
std::string find_bindir() {
  std::vector<fs::path> candidates;
  if (const auto bindir = output_of({"pg_config", "--bindir"})) candidates.emplace_back(*bindir);
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      if (colon != 0) candidates.emplace_back(std::string(rest.substr(0, colon)));
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  add_versioned(candidates, "/usr/lib/postgresql", "", "bin");
  add_versioned(candidates, "/usr", "pgsql-", "bin");
  add_versioned(candidates, "/opt/homebrew/opt", "postgresql@", "bin");
  add_versioned(candidates, "/usr/local/opt", "postgresql@", "bin");
  candidates.emplace_back("/usr/local/pgsql/bin");
  for (const auto& dir : candidates) {
    if (has_server_programs(dir)) return dir.string();
  }
  throw std::runtime_error("a throwaway server needs PostgreSQL's server programs (initdb, pg_ctl): none in `pg_config "
                           "--bindir`, on PATH, or in /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, /usr/local/pgsql/bin; "
                           "install the PostgreSQL server package");
}

// "15" from "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)", "17" from "... 17beta1".
std::string major_version(const std::string& bindir) {
  const auto text = output_of({bindir + "/pg_ctl", "--version"});
  if (!text) return "(unknown version)";
  const auto at = text->find(") ");
  if (at == std::string::npos) return *text;
  const std::string number = text->substr(at + 2);
  return number.substr(0, number.find_first_not_of("0123456789"));
}

std::string read_log(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& text, const Account& account) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out || (geteuid() == 0 && chown(path.c_str(), account.uid, account.gid) != 0)) {
    throw std::runtime_error(fmt::format("cannot write {}", path));
  }
}

// A value in postgresql.conf: single-quoted, a quote doubled.
std::string conf_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The postmaster's pid, from the first line of postmaster.pid; 0 when there is none.
pid_t postmaster_pid(const std::string& data) {
  std::ifstream in(data + "/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

std::string shut_down_locked(const std::string& directory, std::string& timings, const ShutdownProgress& progress) {
  std::string failures;
  struct stat owner {};
  const std::string data = directory + "/data";
  if (stat(directory.c_str(), &owner) != 0) return {};  // the other one got there first
  if (fs::exists(data + "/postmaster.pid")) {
    const passwd* account = getpwuid(owner.st_uid);
    const Account as{owner.st_uid, owner.st_gid, account != nullptr ? account->pw_name : ""};
    const std::string log = directory + "/stop.log";
    const auto started = Clock::now();
    progress("stopping the server (pg_ctl stop -m immediate, at most 30 s)");
    try {
      if (run({find_bindir() + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"}, as, log) != 0) {
        failures = "pg_ctl stop failed:\n" + read_log(log);
      }
    } catch (const std::exception& error) {
      failures = error.what();
    }
    // An immediate stop is a SIGQUIT the postmaster may not get to on a starved machine; what
    // it would have done anyway, sooner: its children notice its death and exit.
    if (!failures.empty()) {
      if (const pid_t pid = postmaster_pid(data); pid > 0 && kill(pid, SIGKILL) == 0) {
        failures += fmt::format("\nkilled the postmaster (pid {})", pid);
      }
    }
    timings += fmt::format("stopped in {:.1f} s", seconds_since(started));
  }
  // Deleted even when the stop failed: a server whose directory is gone shuts itself down
  // within a minute, when it next checks its lock file. Its name goes at once (a rename); its
  // files, which can take long to delete on a busy disk (40 s seen for the tests' server in CI),
  // go in the background, in a process that holds nothing of its caller's (a pipe reading the
  // caller's output must see it end with the caller).
  progress(fmt::format("deleting {}", directory));
  const auto deleting = Clock::now();
  const std::string doomed = directory + ".deleting";
  std::error_code error;
  std::string removing = directory;
  if (std::rename(directory.c_str(), doomed.c_str()) == 0) removing = doomed;
  const pid_t child = fork();
  if (child == 0) {
    setsid();
    if (fork() != 0) _exit(0);  // the grandchild deletes, adopted by init: nobody waits for it
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    syscall(SYS_close_range, 3U, ~0U, 0U);
    // An initdb the owner started may still be writing there as it goes (a signal that ended the
    // owner need not have reached it): deleted again until it stays gone, for up to a minute.
    const auto started = Clock::now();
    while (seconds_since(started) < 60) {
      std::error_code ignored;
      fs::remove_all(removing, ignored);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!fs::exists(removing, ignored)) break;
    }
    _exit(0);
  }
  if (child > 0) {
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
  } else {
    fs::remove_all(removing, error);  // no process to do it in: here, however long it takes
  }
  timings += fmt::format("{}{} in {:.1f} s", timings.empty() ? "" : ", ",
                         removing == doomed ? "moved aside to be deleted in the background" : "deleted",
                         seconds_since(deleting));
  if (fs::exists(directory, error)) {
    failures += fmt::format("{}cannot delete {}: {}", failures.empty() ? "" : "\n", directory,
                            error ? error.message() : std::string("something keeps writing there"));
  }
  return failures;
}

// Stops the server in `directory` if it runs and deletes the directory; what failed, or empty.
// The one way a throwaway server ends: from stop(), from the keeper, from stop_released_server().
// `timings` says how long each part took, for a caller that shows it.
std::string shut_down(const std::string& directory, std::string& timings, const ShutdownProgress& progress) {
  // One at a time: the keeper's and stop()'s can meet, and each would undo the other's work.
  const int lock = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock < 0) return {};  // already gone
  // Bounded: a shutdown stuck elsewhere must not hold this one forever (the other holder only
  // deletes what this one would).
  const auto waiting = Clock::now();
  if (flock(lock, LOCK_EX | LOCK_NB) != 0) progress("waiting for another shutdown of it to end (at most 60 s)");
  while (flock(lock, LOCK_EX | LOCK_NB) != 0 && (errno == EWOULDBLOCK || errno == EINTR) && seconds_since(waiting) < 60) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (seconds_since(waiting) >= 1) timings += fmt::format("waited {:.1f} s for another shutdown, ", seconds_since(waiting));
  std::string failures = shut_down_locked(directory, timings, progress);
  close(lock);
  return failures;
}

std::string shut_down(const std::string& directory) {
  std::string timings;
  return shut_down(directory, timings, [](std::string_view) {});
}

// The keeper: waits, in a session of its own (so that a Ctrl-C meant for the owner's terminal
// does not reach it), until the owner ends or someone sends it SIGTERM, then shuts the server down.
[[noreturn]] void keep(const std::string& directory, int owner) {
  setsid();
  prctl(PR_SET_NAME, keeper_name);
  // Nothing of the owner's held open: a pipe reading its output must see it end with it.
  const int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  dup2(owner, 3);
  syscall(SYS_close_range, 4U, ~0U, 0U);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaddset(&stop_signals, signal);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signals = signalfd(-1, &stop_signals, 0);
  pollfd watched[] = {{3, POLLIN, 0}, {signals, POLLIN, 0}};
  while (poll(watched, signals >= 0 ? 2 : 1, -1) < 0 && errno == EINTR) {
  }
  shut_down(directory);
  _exit(0);
}

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0U)); }

}  // namespace

EphemeralServer::EphemeralServer(pid_t owner, const std::vector<std::string>& settings) : bindir_(find_bindir()) {
  const Account account = server_account();
  const std::string pattern_text = (fs::temp_directory_path() / "migc-ephemeral.XXXXXX").string();
  // pg_ctl starts the server through a shell, with the paths in double quotes.
  if (pattern_text.find_first_of("\"$`\\\n") != std::string::npos) {
    throw std::runtime_error(fmt::format("a throwaway server cannot live under {}: pg_ctl's shell would read its "
                                         "quotes or `$`; set TMPDIR to another directory",
                                         fs::temp_directory_path().string()));
  }
  // Unix socket paths are limited to 107 bytes.
  if (pattern_text.size() + std::string_view("/.s.PGSQL.5432").size() > 107) {
    throw std::runtime_error(fmt::format("a throwaway server's socket under {} would have a path longer than 107 bytes; "
                                         "set TMPDIR to a shorter directory",
                                         fs::temp_directory_path().string()));
  }
  const int owner_handle = pidfd_open(owner);
  if (owner_handle < 0) throw std::runtime_error(fmt::format("cannot watch process {}: {}", owner, std::strerror(errno)));
  std::string pattern = pattern_text;
  if (mkdtemp(pattern.data()) == nullptr) {
    close(owner_handle);
    throw std::runtime_error(fmt::format("cannot create a directory in {}: {}", fs::temp_directory_path().string(), std::strerror(errno)));
  }
  directory_ = pattern;  // mkdtemp made it 0700
  keeper_ = fork();
  if (keeper_ == 0) keep(directory_, owner_handle);
  close(owner_handle);
  try {
    if (keeper_ < 0) throw std::runtime_error(fmt::format("cannot fork: {}", std::strerror(errno)));
    if (geteuid() == 0 && chown(directory_.c_str(), account.uid, account.gid) != 0) {
      throw std::runtime_error(fmt::format("cannot hand {} to the `{}` account", directory_, account.name));
    }
    start(settings);
  } catch (...) {
    try {
      stop();
    } catch (...) {
      // What failed to start is the error to report.
    }
    throw;
  }
}

void EphemeralServer::start(const std::vector<std::string>& settings) {
  const Account account = server_account();
  const passwd* invoker = getpwuid(geteuid());
  if (invoker == nullptr) throw std::runtime_error(fmt::format("user id {} has no passwd entry", geteuid()));
  const std::string data = directory_ + "/data";
  const std::string initdb_log = directory_ + "/initdb.log";
  if (run({bindir_ + "/initdb", "--no-sync", "--auth-local=peer", "--auth-host=reject", "--username=postgres",
           "--encoding=UTF8", "--locale=C", "-D", data},
          account, initdb_log) != 0) {
    throw std::runtime_error("initdb failed:\n" + read_log(initdb_log));
  }
  write_file(data + "/pg_hba.conf",
             "# Superuser postgres for the account that started this server; any other role gives a password.\n"
             "local all postgres peer map=starter\n"
             "local all all scram-sha-256\n",
             account);
  write_file(data + "/pg_ident.conf", fmt::format("starter {} postgres\n", invoker->pw_name), account);
  // Settings go in the configuration file rather than on pg_ctl's command line, which a shell reads.
  std::string conf = fmt::format(
      "\n# A throwaway server: no TCP, a socket in its own private directory, durability not wanted.\n"
      "listen_addresses = ''\nport = {}\nunix_socket_directories = {}\nunix_socket_permissions = 0700\n"
      "fsync = off\nfull_page_writes = off\nmax_connections = 60\n",
      port, conf_string(directory_));
  for (const auto& setting : settings) {
    const auto equals = setting.find('=');
    const std::string_view name = std::string_view(setting).substr(0, equals);
    if (equals == std::string::npos || name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") != std::string_view::npos) {
      throw std::runtime_error(fmt::format("server setting `{}` is not name=value", setting));
    }
    conf += fmt::format("{} = {}\n", setting.substr(0, equals), conf_string(setting.substr(equals + 1)));
  }
  std::ofstream config(data + "/postgresql.conf", std::ios::app);
  config << conf;
  config.close();
  if (!config) throw std::runtime_error(fmt::format("cannot write {}/postgresql.conf", data));
  const std::string log = directory_ + "/server.log";
  if (run({bindir_ + "/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start"}, account, directory_ + "/pg_ctl.log") != 0) {
    throw std::runtime_error("the server did not start:\n" + read_log(log));
  }
  // hostaddr empty: a PGHOSTADDR would otherwise send the connection over TCP, elsewhere.
  conninfo_ = fmt::format("host={} hostaddr='' port={} user=postgres dbname=postgres", directory_, port);
  version_ = major_version(bindir_);
}

void EphemeralServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  const std::string failures = shut_down(directory_);
  // Done: the keeper has nothing left to do.
  if (keeper_ > 0) {
    kill(keeper_, SIGKILL);
    while (waitpid(keeper_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (!failures.empty()) throw std::runtime_error(fmt::format("the throwaway server in {} did not stop cleanly: {}", directory_, failures));
}

EphemeralServer::~EphemeralServer() {
  if (released_) return;
  try {
    stop();
  } catch (...) {
    // Nowhere to report it from a destructor; stop() is there for callers who must know.
  }
}

std::string stop_released_server(const std::string& directory, pid_t keeper, const ShutdownProgress& progress) {
  std::string timings;
  const std::string failures = shut_down(directory, timings, progress);
  // The keeper only if it still is one: its pid could have been reused since.
  if (const int handle = pidfd_open(keeper); handle >= 0) {
    std::string name;
    std::getline(std::ifstream(fmt::format("/proc/{}/comm", keeper)), name);
    if (name == keeper_name) syscall(SYS_pidfd_send_signal, handle, SIGKILL, nullptr, 0U);
    close(handle);
  }
  if (!failures.empty()) {
    throw std::runtime_error(fmt::format("the throwaway server in {} did not stop cleanly ({}): {}", directory, timings, failures));
  }
  return timings;
}

}  // namespace migc
