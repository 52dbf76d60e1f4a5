// A throwaway PostgreSQL server for `--ephemeral`: started from the installed server binaries
// on a private socket, used for one command, then stopped and deleted.
#pragma once

#include <string>

namespace migc::runtime {

class EphemeralServer {
 public:
  // Starts the server; throws std::runtime_error saying what is missing or what failed.
  EphemeralServer();
  ~EphemeralServer();
  EphemeralServer(const EphemeralServer&) = delete;
  EphemeralServer& operator=(const EphemeralServer&) = delete;

  const std::string& conninfo() const { return conninfo_; }
  const std::string& directory() const { return directory_; }
  const std::string& version() const { return version_; }

 private:
  void start();

  std::string bindir_;
  std::string directory_;
  std::string conninfo_;
  std::string version_;
  bool as_postgres_ = false;  // PostgreSQL refuses to run as root
};

}  // namespace migc::runtime
