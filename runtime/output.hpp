// What the migrator prints: lines for people (colour only on a terminal, and never when
// NO_COLOR is set), or JSON Lines for machines (--json): one object per event, on stdout, as it
// happens, the last one the run's `result` or `error`. The schema is in docs/migrator.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace migc::runtime {

// Keys stay in the order they are written, the order docs/migrator.md lists them in.
using Json = nlohmann::ordered_json;

// Text a revision's author wrote, for a terminal: a control character (a line end, an escape
// sequence that would move the cursor or retitle the window) shown as \n, \x1b, ... instead.
std::string printable(std::string_view text);

class Output {
 public:
  Output(std::string program, bool json);

  bool json() const { return json_; }
  // A line of ordinary output (people only).
  void line(const std::string& text);
  // "<program>: text" for people; a `note` event for machines.
  void note(const std::string& text);
  // "<program>: text" for people; for machines, the event `kind` with `fields`.
  void note(const std::string& text, std::string_view kind, Json fields);
  void warning(const std::string& text);
  // An event for machines only: people see nothing of it.
  void event(std::string_view kind, Json fields);
  // One revision applied or reverted: a line for people, `revision_finished` for machines.
  void step(bool up, std::string_view id, std::string_view message, double milliseconds, int retries,
            std::size_t done, std::size_t total);
  // How a verb ended: `text` for people (if any); for machines the `result` event, with `fields`.
  void result(std::string_view verb, const std::string& text, Json fields, int exit_status);
  void error(const std::string& text, int exit_status);
  // Writes the held `result` or `error` event: the last line, after anything said on the way
  // out (a throwaway server that would not stop).
  void finish();
  std::string bold(std::string_view text) const;

 private:
  std::string paint(std::string_view text, std::string_view code, bool tty) const;
  void write(const Json& event) const;

  std::string program_;
  bool json_;
  bool colour_out_;
  bool colour_err_;
  std::optional<Json> last_;
};

// A parse error, for a command line that asked for JSON before the options could be read.
void write_json_error(const std::string& text, int exit_status);

}  // namespace migc::runtime
