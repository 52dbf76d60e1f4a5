// Decimals as numeric holds them: exact comparison and rounding half away from zero, the values
// PostgreSQL's `round()` and `numeric` comparison give (e.g. `select round(-0.005, 2)` is -0.01).
#include <gtest/gtest.h>

#include "compiler/decimal.hpp"

namespace migc {
namespace {

std::string rounded(std::string_view text, long scale) {
  const auto value = Decimal::parse(text);
  return value ? value->rounded(scale).text() : "unreadable";
}

TEST(Decimal, ReadsWhatNumericInReads) {
  EXPECT_EQ(Decimal::parse(" 0012.3400 ")->text(), "12.34");
  EXPECT_EQ(Decimal::parse("-.5")->text(), "-0.5");
  EXPECT_EQ(Decimal::parse("5.")->text(), "5");
  EXPECT_EQ(Decimal::parse("1.5e3")->text(), "1500");
  EXPECT_EQ(Decimal::parse("15E-3")->text(), "0.015");
  EXPECT_EQ(Decimal::parse("-0.000")->text(), "0");
  for (const char* unreadable : {"", ".", "-", "1e", "1.2.3", "1e+", "0x10", "nan", "1 2", "1e9999999"}) {
    EXPECT_FALSE(Decimal::parse(unreadable)) << unreadable;
  }
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(rounded("0.4", 0), "0");
  EXPECT_EQ(rounded("0.5", 0), "1");
  EXPECT_EQ(rounded("-0.5", 0), "-1");
  EXPECT_EQ(rounded("2.5", 0), "3");
  EXPECT_EQ(rounded("-0.004", 2), "0");
  EXPECT_EQ(rounded("-0.005", 2), "-0.01");
  EXPECT_EQ(rounded("99.995", 2), "100");
  EXPECT_EQ(rounded("999.5", 0), "1000");
  EXPECT_EQ(rounded("1234", -2), "1200");
  EXPECT_EQ(rounded("1250", -2), "1300");
  EXPECT_EQ(rounded("0.001", 1), "0");
  EXPECT_EQ(rounded("12.34", 5), "12.34");
}

TEST(Decimal, ComparesExactly) {
  EXPECT_GT(*Decimal::parse("0.10000000000000000001"), *Decimal::parse("0.1"));
  EXPECT_EQ(*Decimal::parse("0.1"), *Decimal::parse("1e-1"));
  EXPECT_LT(*Decimal::parse("-2"), *Decimal::parse("-1.5"));
  EXPECT_LT(*Decimal::parse("-1"), *Decimal::parse("0"));
  EXPECT_GT(*Decimal::parse("0.2"), *Decimal::parse("0.19"));
  EXPECT_LT(*Decimal::parse("99"), *Decimal::parse("100"));
  EXPECT_EQ(*Decimal::parse("-0"), *Decimal::parse("0"));
  EXPECT_EQ(Decimal::of(-42).text(), "-42");
}

}  // namespace
}  // namespace migc
