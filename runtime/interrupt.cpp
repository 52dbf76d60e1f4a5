// Signal handling for the migrator.
#include "runtime/interrupt.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>

namespace migc::runtime {
namespace {

std::atomic<int> pending{0};
std::atomic<PGcancel*> cancel{nullptr};
struct sigaction previous_int {};
struct sigaction previous_term {};

extern "C" void on_signal(int signal) {
  pending.store(signal);
  // PQcancel is documented as safe in a signal handler.
  if (PGcancel* handle = cancel.load()) {
    char error[256];
    PQcancel(handle, error, sizeof error);
  }
  // A second one kills, as the user then means it.
  struct sigaction restore {};
  restore.sa_handler = SIG_DFL;
  sigemptyset(&restore.sa_mask);
  sigaction(signal, &restore, nullptr);
}

}  // namespace

InterruptHandler::InterruptHandler(Connection& connection) {
  cancel.store(connection.cancel_handle());
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

InterruptHandler::~InterruptHandler() {
  cancel.store(nullptr);
  if (pending.load() == 0) {
    sigaction(SIGINT, &previous_int, nullptr);
    sigaction(SIGTERM, &previous_term, nullptr);
  }
}

int interrupted() { return pending.load(); }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return fmt::format("signal {}", signal);
  }
}

Interrupted::Interrupted(int signal, const std::string& where)
    : std::runtime_error(fmt::format("interrupted by {}: {}", signal_name(signal), where)), signal_(signal) {}

}  // namespace migc::runtime
