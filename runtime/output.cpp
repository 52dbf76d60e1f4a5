// Human and JSON Lines output for the migrator.
#include "runtime/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace migc::runtime {
namespace {

bool wants_colour(int descriptor) {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(descriptor) != 0 && (no_colour == nullptr || *no_colour == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

Json with_kind(std::string_view kind, Json fields) {
  Json event{{"event", kind}};
  for (auto& [key, value] : fields.items()) event[key] = std::move(value);
  return event;
}

// Text from a database or a command line need not be UTF-8: what is not shows as U+FFFD, and a
// line is always one JSON object, never an exception.
void write_line(const Json& event) {
  std::cout << event.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n" << std::flush;
}

}  // namespace

void write_json_error(const std::string& text, int exit_status) {
  write_line(Json{{"event", "error"}, {"message", text}, {"exit", exit_status}});
}

Output::Output(std::string program, bool json)
    : program_(std::move(program)), json_(json), colour_out_(wants_colour(STDOUT_FILENO)), colour_err_(wants_colour(STDERR_FILENO)) {}

std::string Output::paint(std::string_view text, std::string_view code, bool tty) const {
  if (!tty) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string Output::bold(std::string_view text) const { return paint(text, "1", colour_out_ && !json_); }

void Output::write(const Json& event) const { write_line(event); }

void Output::line(const std::string& text) {
  if (!json_) std::cout << text << "\n" << std::flush;
}

void Output::note(const std::string& text) { note(text, "note", Json{{"message", text}}); }

void Output::note(const std::string& text, std::string_view kind, Json fields) {
  if (json_) {
    write(with_kind(kind, std::move(fields)));
  } else {
    std::cout << program_ << ": " << text << "\n" << std::flush;
  }
}

void Output::event(std::string_view kind, Json fields) {
  if (json_) write(with_kind(kind, std::move(fields)));
}

void Output::warning(const std::string& text) {
  if (json_) {
    write(Json{{"event", "warning"}, {"message", text}});
    return;
  }
  std::cerr << program_ << ": " << paint("warning:", "1;33", colour_err_) << " " << text << "\n";
}

void Output::result(std::string_view verb, const std::string& text, Json fields, int exit_status) {
  if (!json_) {
    if (!text.empty()) note(text);
    return;
  }
  Json event{{"event", "result"}, {"verb", verb}, {"exit", exit_status}};
  for (auto& [key, value] : fields.items()) event[key] = std::move(value);
  last_ = std::move(event);
}

void Output::error(const std::string& text, int exit_status) {
  if (json_) {
    last_ = Json{{"event", "error"}, {"message", text}, {"exit", exit_status}};
    return;
  }
  std::cerr << program_ << ": " << paint("error:", "1;31", colour_err_) << " " << text << "\n";
}

void Output::finish() {
  if (last_) write(*last_);
  last_.reset();
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

void Output::step(bool up, std::string_view id, std::string_view message, double milliseconds, int retries,
                  std::size_t done, std::size_t total) {
  if (json_) {
    write(Json{{"event", "revision_finished"}, {"revision", id}, {"operation", up ? "upgrade" : "downgrade"},
               {"position", done}, {"total", total}, {"duration_ms", milliseconds}, {"lock_retries", retries}});
    return;
  }
  std::string text = fmt::format("  {} {:<14} {:<58} {:>9.1f} ms", paint(up ? "+" : "-", up ? "32" : "33", colour_out_), id,
                                 printable(message), milliseconds);
  if (retries > 0) text += fmt::format("  ({} lock retr{})", retries, retries == 1 ? "y" : "ies");
  if (total >= 20) text += fmt::format("  [{}/{}]", done, total);
  std::cout << text << "\n" << std::flush;
}

}  // namespace migc::runtime
