// User text inside comments of generated SQL and C++: whatever the text, the comment ends where
// the generator ends it, and the text reads back one way only.
#include <gtest/gtest.h>

#include <string>

#include "compiler/plan_writer.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

// Every byte alone, and every byte between ordinary characters and after a backslash.
std::vector<std::string> every_byte() {
  std::vector<std::string> texts;
  for (int byte = 0; byte < 256; ++byte) {
    const std::string c(1, static_cast<char>(byte));
    texts.push_back(c);
    texts.push_back("a" + c + "b");
    texts.push_back("\\" + c);
    texts.push_back("?" + c + "?/");
  }
  return texts;
}

// A line end or a control character, or the UTF-8 of NEL, the line and paragraph separators or
// a bidirectional override: what could end a comment, or hide what follows it from a reader.
bool holds_line_end_or_control(const std::string& text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  for (const std::string sequence : {"\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xae", "\xe2\x81\xa6"}) {
    if (text.find(sequence) != std::string::npos) return true;
  }
  return false;
}

TEST(SqlCommentText, NoTextEndsTheComment) {
  for (const auto& text : every_byte()) {
    EXPECT_FALSE(holds_line_end_or_control(sql_comment_text(text))) << "for bytes " << testing::PrintToString(text);
  }
}

TEST(SqlCommentText, EscapesLineEndsAndControlCharacters) {
  EXPECT_EQ(sql_comment_text("Tries to run what follows\nDELETE FROM keeper;\r\n\\echo x"),
            "Tries to run what follows\\nDELETE FROM keeper;\\r\\n\\\\echo x");
  EXPECT_EQ(sql_comment_text(std::string_view("tab\tnul\0bell\a del\x7f", 18)), "tab\\tnul\\x00bell\\x07 del\\x7f");
}

TEST(SqlCommentText, KeepsOrdinaryTextAndUnicode) {
  EXPECT_EQ(sql_comment_text("Add squares: it's 50% done */ ?\?/ $$ ünïcödé 日本"), "Add squares: it's 50% done */ ?\?/ $$ ünïcödé 日本");
}

TEST(SqlCommentText, EscapesWhatHidesOrReordersText) {
  EXPECT_EQ(sql_comment_text("a\xc2\x85" "b"), "a\\xc2\\x85b");                 // NEL
  EXPECT_EQ(sql_comment_text("a\xe2\x80\xa8" "b"), "a\\xe2\\x80\\xa8b");        // line separator
  EXPECT_EQ(sql_comment_text("admin\xe2\x80\xae" "txt"), "admin\\xe2\\x80\\xaetxt");  // right-to-left override
}

TEST(SqlCommentText, EscapesMalformedUtf8ByteByByte) {
  EXPECT_EQ(sql_comment_text("\xff"), "\\xff");
  EXPECT_EQ(sql_comment_text("\xc3"), "\\xc3");                // cut short
  EXPECT_EQ(sql_comment_text("\xc0\xaf"), "\\xc0\\xaf");       // overlong `/`
  EXPECT_EQ(sql_comment_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(sql_comment_text("\xc3" "a"), "\\xc3a");
}

TEST(SqlCommentText, ReadsBackOneWayOnly) {
  // A backslash is doubled, so that a text holding `\n` is not shown as one holding a line end.
  EXPECT_NE(sql_comment_text("\\n"), sql_comment_text("\n"));
  EXPECT_EQ(sql_comment_text("4\\"), "4\\\\");
}

TEST(CppCommentText, NoTextEndsTheLineOrSplicesTheNext) {
  for (const auto& text : every_byte()) {
    const std::string comment = cpp_comment_text(text);
    EXPECT_FALSE(holds_line_end_or_control(comment)) << "for bytes " << testing::PrintToString(text);
    // Quoted: the line ends in a quote, never in a backslash.
    ASSERT_GE(comment.size(), 2U);
    EXPECT_EQ(comment.front(), '"');
    EXPECT_EQ(comment.back(), '"');
    EXPECT_EQ(comment.find("??"), std::string::npos) << comment;  // no trigraph
  }
}

TEST(CppCommentText, WritesTheTextAsALiteral) {
  EXPECT_EQ(cpp_comment_text("4\\"), "\"4\\\\\"");
  EXPECT_EQ(cpp_comment_text("?\?/"), "\"\\?\\?/\"");
  EXPECT_EQ(cpp_comment_text("003'\"?*"), "\"003'\\\"\\?*\"");
  EXPECT_EQ(cpp_comment_text("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(cpp_comment_text("ünï"), "\"ünï\"");
  EXPECT_EQ(cpp_comment_text("a\xe2\x80\xae" "b"), "\"a\\342\\200\\256b\"");
}

TEST(CppStringLiteral, KeepsTheBytesOfWhatItEscapes) {
  // The octal escapes of a bidirectional override are its UTF-8 bytes: the data is unchanged.
  EXPECT_EQ(cpp_string_literal("a\xe2\x80\xae" "b"), "\"a\\342\\200\\256b\"sv");
  EXPECT_EQ(cpp_string_literal("\xff"), "\"\\377\"sv");
}

}  // namespace
}  // namespace migc
