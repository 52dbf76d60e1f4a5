// A throwaway PostgreSQL server, started from the installed server programs on a socket that
// only the account starting it can reach: the one implementation behind a migrator's
// `--ephemeral` and `migc throwaway-postgres` (the tests' server, the README's demo).
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

class EphemeralServer {
 public:
  // Starts a server that lives no longer than the process `owner`: a keeper process stops it
  // and deletes its directory when the owner ends before stop(), however it ends (SIGKILL too).
  // `settings` are extra `name=value` server settings. Throws std::runtime_error saying what is
  // missing or what failed.
  explicit EphemeralServer(pid_t owner = getpid(), const std::vector<std::string>& settings = {});
  // Stops the server unless stop() or release() came first; a failure here goes unreported.
  ~EphemeralServer();
  EphemeralServer(const EphemeralServer&) = delete;
  EphemeralServer& operator=(const EphemeralServer&) = delete;

  // Stops the server and deletes its directory; throws saying what could not be done.
  void stop();
  // Leaves the server running once this object is gone, to its owner and its keeper: for a
  // server that outlives the command starting it, stopped by stop_released_server().
  void release() { released_ = true; }

  const std::string& conninfo() const { return conninfo_; }
  const std::string& directory() const { return directory_; }
  const std::string& version() const { return version_; }
  pid_t keeper() const { return keeper_; }

 private:
  void start(const std::vector<std::string>& settings);

  std::string bindir_;
  std::string directory_;
  std::string conninfo_;
  std::string version_;
  pid_t keeper_ = -1;
  bool released_ = false;
  bool stopped_ = false;
};

// Told before each part of a shutdown that can take long, so that a log shows where a slow one was.
using ShutdownProgress = std::function<void(std::string_view)>;

// Stops a released server, given its directory and keeper, and says how long each part took;
// throws saying what could not be done.
std::string stop_released_server(const std::string& directory, pid_t keeper, const ShutdownProgress& progress);

}  // namespace migc
