// Throwaway server: initdb, pg_ctl start on a socket in a private directory, pg_ctl stop, rm.
#include "runtime/ephemeral.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <stdexcept>
#include <vector>

namespace migc::runtime {
namespace {

namespace fs = std::filesystem;

// Runs a program without a shell, optionally as another user; returns its exit status.
int run(const std::vector<std::string>& argv, const passwd* as_user, const std::string& log) {
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("cannot fork");
  if (child == 0) {
    // The user first, so that the log belongs to whoever writes to it later.
    if (as_user != nullptr && (setgid(as_user->pw_gid) != 0 || setuid(as_user->pw_uid) != 0)) _exit(126);
    if (!log.empty()) {
      if (std::freopen(log.c_str(), "a", stdout) == nullptr || std::freopen(log.c_str(), "a", stderr) == nullptr) _exit(126);
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string find_bindir() {
  std::vector<fs::path> candidates;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) candidates.push_back(entry.path() / "bin");
  // The newest major version first.
  std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) > std::atoi(b.parent_path().filename().c_str());
  });
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "initdb") && fs::exists(dir / "pg_ctl")) return dir.string();
  }
  throw std::runtime_error("--ephemeral needs PostgreSQL's server programs (initdb, pg_ctl) in /usr/lib/postgresql/*/bin; "
                           "install the postgresql package");
}

std::string read_log(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

EphemeralServer::EphemeralServer() : bindir_(find_bindir()) {
  std::string pattern = (fs::temp_directory_path() / "migc-ephemeral.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
  directory_ = pattern;
  try {
    start();
  } catch (...) {
    std::error_code error;
    fs::remove_all(directory_, error);
    throw;
  }
}

void EphemeralServer::start() {
  const passwd* owner = nullptr;
  if (geteuid() == 0) {
    owner = getpwnam("postgres");
    if (owner == nullptr) throw std::runtime_error("--ephemeral as root needs a `postgres` account to run the server as");
    as_postgres_ = true;
    if (chown(directory_.c_str(), owner->pw_uid, owner->pw_gid) != 0) throw std::runtime_error("cannot hand the directory to postgres");
  }
  fs::permissions(directory_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const std::string log = directory_ + "/server.log";
  const std::string data = directory_ + "/data";
  const std::string initdb_log = directory_ + "/initdb.log";
  if (run({bindir_ + "/initdb", "--no-sync", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "-D", data},
          owner, initdb_log) != 0) {
    throw std::runtime_error("initdb failed:\n" + read_log(initdb_log));
  }
  const std::string options = fmt::format("-c listen_addresses='' -k {} -c fsync=off", directory_);
  if (run({bindir_ + "/pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start"}, owner, directory_ + "/pg_ctl.log") != 0) {
    throw std::runtime_error("the server did not start:\n" + read_log(log));
  }
  conninfo_ = fmt::format("host={} port=5432 user=postgres dbname=postgres", directory_);
  version_ = fs::path(bindir_).parent_path().filename().string();
}

EphemeralServer::~EphemeralServer() {
  const passwd* owner = as_postgres_ ? getpwnam("postgres") : nullptr;
  try {
    run({bindir_ + "/pg_ctl", "-D", directory_ + "/data", "-m", "immediate", "-w", "stop"}, owner, directory_ + "/stop.log");
  } catch (...) {
    // The directory goes regardless; a server without its directory exits by itself.
  }
  std::error_code error;
  fs::remove_all(directory_, error);
}

}  // namespace migc::runtime
