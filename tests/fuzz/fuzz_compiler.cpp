// libFuzzer target: the whole front end (parse, revision graph, schema simulation, lowering)
// on arbitrary chains. The input holds several files, separated by lines `-- file: <name>`,
// the format of tests/compiler/fail/*.mig, so that those cases are seeds as they are.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/chain.hpp"
#include "compiler/plan_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<migc::SourceFile> files;
  std::string name = "0_fuzz.mig";
  std::string text;
  std::size_t begin = 0;
  while (begin <= input.size()) {
    std::size_t end = input.find('\n', begin);
    if (end == std::string::npos) end = input.size();
    const std::string line = input.substr(begin, end - begin);
    if (line.rfind("-- file: ", 0) == 0) {
      if (!text.empty()) files.emplace_back(name, text);
      name = line.substr(9);
      text.clear();
    } else {
      text += line + "\n";
    }
    begin = end + 1;
  }
  if (!text.empty()) files.emplace_back(name, text);
  migc::Diagnostics diagnostics;
  const auto chain = migc::compile_chain(files, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) migc::format_diagnostic(diagnostic);
  if (chain) migc::write_plan_cpp(*chain, "fuzz", "");
  return 0;
}
