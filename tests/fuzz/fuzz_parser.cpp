// libFuzzer target: the revision grammar on arbitrary bytes. Any crash, hang, leak or
// sanitizer report is a bug; every finding goes into tests/fuzz/regressions/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dsl/grammar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const migc::SourceFile source("fuzz.mig", std::string(reinterpret_cast<const char*>(data), size));
  migc::Diagnostics diagnostics;
  migc::parse_revision_file(source, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) migc::format_diagnostic(diagnostic);
  return 0;
}
