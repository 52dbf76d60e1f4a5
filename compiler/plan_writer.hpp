// Emits a compiled chain as C++ source: constant arrays that the runtime reads as a Plan.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "compiler/chain.hpp"

namespace migc {

// `source_root` is stripped from file paths so the output holds no absolute path.
// `check_excluded`: exclusion patterns the migrator's `check` applies (postgres/object_pattern.hpp).
std::string write_plan_cpp(const CompiledChain& chain, std::string_view name, std::string_view source_root,
                           const std::vector<std::string>& check_excluded = {});
// The same text, handed to `sink` a block at a time as it is made.
using PlanSink = std::function<void(std::string_view)>;
void write_plan_cpp(const CompiledChain& chain, std::string_view name, std::string_view source_root,
                    const std::vector<std::string>& check_excluded, const PlanSink& sink);

// A C++ string literal for `text`, with an `sv` suffix (see STACK.md: plain literals in large
// constexpr arrays hit GCC's constexpr operation limit).
std::string cpp_string_literal(std::string_view text);
// User text inside a `//` comment of generated C++, written as that literal is written (without
// the suffix): between quotes, so that no backslash ends the line and splices the next one into
// the comment, and with no raw line end, control character or `??/` trigraph.
std::string cpp_comment_text(std::string_view text);

std::string relative_source_path(std::string_view path, std::string_view source_root);

}  // namespace migc
