// Password masking: whatever form a connection string takes, its password is never printed.
#include <gtest/gtest.h>

#include "runtime/postgres.hpp"

namespace migc::runtime {
namespace {

TEST(MaskPassword, Url) {
  EXPECT_EQ(mask_password("postgresql://smartem:s3cret@db.example:5432/smartem"),
            "postgresql://smartem:***@db.example:5432/smartem");
  EXPECT_EQ(mask_password("postgres://u:p%40ss@h/db?sslmode=require"), "postgres://u:***@h/db?sslmode=require");
}

TEST(MaskPassword, UrlQueryParameter) {
  EXPECT_EQ(mask_password("postgresql:///db?host=/tmp&password=hunter2&sslmode=disable"),
            "postgresql:///db?host=/tmp&password=***&sslmode=disable");
}

TEST(MaskPassword, KeywordValue) {
  EXPECT_EQ(mask_password("host=db user=u password=hunter2 dbname=x"), "host=db user=u password=*** dbname=x");
  EXPECT_EQ(mask_password("password = 'a b\\'c' host=db"), "password=*** host=db");
}

TEST(MaskPassword, NothingToMask) {
  EXPECT_EQ(mask_password("host=/tmp/sock dbname=x"), "host=/tmp/sock dbname=x");
  EXPECT_EQ(mask_password("postgresql://user@host/db"), "postgresql://user@host/db");
}

}  // namespace
}  // namespace migc::runtime
