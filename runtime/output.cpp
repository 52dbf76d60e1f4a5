// Human and JSON output for the migrator.
#include "runtime/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace migc::runtime {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool wants_colour(int descriptor) {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(descriptor) != 0 && (no_colour == nullptr || *no_colour == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

}  // namespace

std::string to_json(const JsonValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return json_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return fmt::format("{}", v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string out = "[";
          for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_string(v[i]);
          return out + "]";
        } else {
          std::string out = "[";
          for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + to_json(v[i]);
          return out + "]";
        }
      },
      value.value);
}

std::string to_json(const JsonObject& object) {
  std::string out = "{";
  for (std::size_t i = 0; i < object.size(); ++i) {
    out += (i ? ", " : "") + json_string(object[i].first) + ": " + to_json(object[i].second);
  }
  return out + "}";
}

Output::Output(std::string program, bool json)
    : program_(std::move(program)), json_(json), colour_out_(wants_colour(STDOUT_FILENO)), colour_err_(wants_colour(STDERR_FILENO)) {}

std::string Output::paint(std::string_view text, std::string_view code, bool tty) const {
  if (!tty) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string Output::bold(std::string_view text) const { return paint(text, "1", colour_out_ && !json_); }

void Output::line(const std::string& text) {
  if (!json_) std::cout << text << "\n" << std::flush;
}

void Output::note(const std::string& text) {
  if (!json_) std::cout << program_ << ": " << text << "\n" << std::flush;
}

void Output::warning(const std::string& text) {
  std::cerr << program_ << ": " << paint("warning:", "1;33", colour_err_) << " " << text << "\n";
}

void Output::error(const std::string& text, int exit_status) {
  if (json_) {
    std::cerr << to_json(JsonObject{{"error", text}, {"exit", static_cast<double>(exit_status)}}) << "\n";
    return;
  }
  std::cerr << program_ << ": " << paint("error:", "1;31", colour_err_) << " " << text << "\n";
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
    steps_.push_back({{"revision", std::string(id)}, {"operation", up ? "upgrade" : "downgrade"},
                      {"duration_ms", milliseconds}, {"lock_retries", static_cast<double>(retries)}});
    return;
  }
  std::string text = fmt::format("  {} {:<14} {:<58} {:>9.1f} ms", paint(up ? "+" : "-", up ? "32" : "33", colour_out_), id,
                                 printable(message), milliseconds);
  if (retries > 0) text += fmt::format("  ({} lock retr{})", retries, retries == 1 ? "y" : "ies");
  if (total >= 20) text += fmt::format("  [{}/{}]", done, total);
  std::cout << text << "\n" << std::flush;
}

void Output::summary(const std::string& text, JsonObject fields) {
  if (!json_) {
    note(text);
    return;
  }
  fields.emplace_back("steps", steps_);
  std::cout << to_json(fields) << "\n";
}

void Output::object(const JsonObject& object) { std::cout << to_json(object) << "\n"; }

void Output::array(const std::vector<JsonObject>& rows) { std::cout << to_json(JsonValue(rows)) << "\n"; }

void Output::raw(const std::string& text) {
  if (json_) {
    std::cout << to_json(JsonObject{{"sql", text}}) << "\n";
  } else {
    std::cout << text;
  }
}

}  // namespace migc::runtime
