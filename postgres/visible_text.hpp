// Which bytes of user text may be shown as they are inside a comment, of SQL or of C++, and
// which must be escaped: anything that ends a line, is invisible, or reorders what follows.
#pragma once

#include <cstddef>
#include <string_view>

namespace migc {

// The length of the character at `at` when it can be shown as it is: printable ASCII, or a
// well-formed UTF-8 sequence that is neither a control character (C1 included), a line or
// paragraph separator, nor a bidirectional control (which can make text read in an order other
// than the one a parser sees). 0 when the byte at `at` must be escaped.
std::size_t visible_length(std::string_view text, std::size_t at);

}  // namespace migc
