// The language, the other rendering of operations: what autogenerate and introspect write into
// a revision file. Each operation the checker would resolve from the statement written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/operations.hpp"

namespace migc {

// Appends the statements of the language that perform `operation`, each ending in `;`.
void render_language(const Operation& operation, std::vector<std::string>& statements);

// `text` between dollar quotes whose tag it does not contain: `$$...$$`, else `$migc$...$migc$`...
std::string dollar_quote(std::string_view text);

}  // namespace migc
