// Classifies user text for comments: printable as is, or to be escaped byte by byte.
#include "postgres/visible_text.hpp"

namespace migc {
namespace {

bool hides_or_moves_text(char32_t code_point) {
  return (code_point >= 0x80 && code_point <= 0x9f)         // C1 controls (NEL ends a line in some viewers)
         || code_point == 0x2028 || code_point == 0x2029    // line and paragraph separators
         || code_point == 0x061c || code_point == 0x200e || code_point == 0x200f  // directional marks
         || (code_point >= 0x202a && code_point <= 0x202e)  // bidirectional embeddings and overrides
         || (code_point >= 0x2066 && code_point <= 0x2069); // bidirectional isolates
}

}  // namespace

std::size_t visible_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return lead >= 0x20 && lead != 0x7f ? 1 : 0;
  // The lead byte gives the sequence's length, its first bits, and the smallest code point that
  // needs that many bytes (anything below it is an overlong encoding).
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t smallest = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    code_point = lead & 0x1f;
    smallest = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    code_point = lead & 0x0f;
    smallest = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    code_point = lead & 0x07;
    smallest = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3f);
  }
  if (code_point < smallest || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return hides_or_moves_text(code_point) ? 0 : length;
}

}  // namespace migc
