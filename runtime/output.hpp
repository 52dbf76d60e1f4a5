// What the migrator prints: lines for people (colour only on a terminal, and never when
// NO_COLOR is set), or one JSON document for machines (--json). Errors go to stderr either way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace migc::runtime {

struct JsonValue;
using JsonObject = std::vector<std::pair<std::string, JsonValue>>;

struct JsonValue {
  std::variant<std::string, double, bool, std::vector<std::string>, std::vector<JsonObject>> value;

  JsonValue(std::string text) : value(std::move(text)) {}
  JsonValue(const char* text) : value(std::string(text)) {}
  JsonValue(double number) : value(number) {}
  JsonValue(bool flag) : value(flag) {}
  JsonValue(std::vector<std::string> list) : value(std::move(list)) {}
  JsonValue(std::vector<JsonObject> list) : value(std::move(list)) {}
};

std::string to_json(const JsonValue& value);
// Text a revision's author wrote, for a terminal: a control character (a line end, an escape
// sequence that would move the cursor or retitle the window) shown as \n, \x1b, ... instead.
std::string printable(std::string_view text);
std::string to_json(const JsonObject& object);

class Output {
 public:
  Output(std::string program, bool json);

  bool json() const { return json_; }
  // A line of ordinary output (people only).
  void line(const std::string& text);
  // "<program>: text" (people only).
  void note(const std::string& text);
  void warning(const std::string& text);
  void error(const std::string& text, int exit_status);
  // One applied or reverted revision.
  void step(bool up, std::string_view id, std::string_view message, double milliseconds, int retries,
            std::size_t done, std::size_t total);
  // The end of a run: a line for people; for machines, `fields` and the steps taken.
  void summary(const std::string& text, JsonObject fields);
  void object(const JsonObject& object);
  void array(const std::vector<JsonObject>& rows);
  void raw(const std::string& text);
  std::string bold(std::string_view text) const;

 private:
  std::string paint(std::string_view text, std::string_view code, bool tty) const;

  std::string program_;
  bool json_;
  bool colour_out_;
  bool colour_err_;
  std::vector<JsonObject> steps_;
};

}  // namespace migc::runtime
