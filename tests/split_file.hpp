// Test inputs that hold several revision files in one file, LLVM split-file style:
//   -- expect: <a line of the expected compiler output>
//   -- file: 001_root.mig
//   revision '001' revises base;
// Lines before the first `-- file:` are the test's own (its comment and expectations).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "diagnostics/source.hpp"

namespace migc::testing {

struct SplitFile {
  std::vector<SourceFile> files;
  std::string expected;  // the `-- expect:` lines, prefix removed, newline-terminated
};

inline SplitFile read_split_file(const std::string& path) {
  std::ifstream in(path);
  SplitFile split;
  std::string name;
  std::string text;
  bool in_file = false;
  const auto flush = [&] {
    if (in_file) split.files.emplace_back(name, text);
    text.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("-- file: ")) {
      flush();
      name = line.substr(9);
      in_file = true;
    } else if (!in_file && line.starts_with("-- expect:")) {
      split.expected += line.substr(line.size() > 10 ? 11 : 10) + "\n";
    } else if (in_file) {
      text += line + "\n";
    }
  }
  flush();
  return split;
}

}  // namespace migc::testing
