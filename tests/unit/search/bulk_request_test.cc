#include "search/bulk_request.h"

#include <gtest/gtest.h>

namespace logpipe::search {
namespace {

TEST(BulkRequest, ExactBody) {
  BulkRequest request;
  request.Add("access-logs-2026.01.21", "a1", R"({"x":1})");
  request.Add("access-logs-2026.01.22", "b2", R"({"y":"z"})");

  EXPECT_EQ(request.item_count(), 2u);
  EXPECT_EQ(request.body(),
            "{\"index\":{\"_index\":\"access-logs-2026.01.21\",\"_id\":\"a1\"}}\n{\"x\":1}\n"
            "{\"index\":{\"_index\":\"access-logs-2026.01.22\",\"_id\":\"b2\"}}\n{\"y\":\"z\"}\n");
}

TEST(BulkRequest, EscapesIdAndIndex) {
  BulkRequest request;
  request.Add("in\"dex", "id\\with\"quote\n", "{}");

  EXPECT_EQ(request.body(), "{\"index\":{\"_index\":\"in\\\"dex\",\"_id\":\"id\\\\with\\\"quote\\n\"}}\n{}\n");
}

TEST(BulkRequest, EscapesInvalidUtf8InId) {
  BulkRequest request;
  request.Add("i", "a\xff", "{}");

  EXPECT_EQ(request.body(), "{\"index\":{\"_index\":\"i\",\"_id\":\"a\xEF\xBF\xBD\"}}\n{}\n");
}

TEST(BulkRequest, EmptyIdOmitted) {
  BulkRequest request;
  request.Add("i", "", "{}");

  EXPECT_EQ(request.body(), "{\"index\":{\"_index\":\"i\"}}\n{}\n");
}

TEST(BulkRequest, DocumentNewlinesBecomeSpaces) {
  BulkRequest request;
  request.Add("i", "1", "{\n\"a\":\n1}\n");

  EXPECT_EQ(request.body(), "{\"index\":{\"_index\":\"i\",\"_id\":\"1\"}}\n{ \"a\": 1} \n");
}

TEST(BulkRequest, ClearEmptiesBody) {
  BulkRequest request;
  request.Add("i", "1", "{}");
  request.Clear();

  EXPECT_EQ(request.item_count(), 0u);
  EXPECT_TRUE(request.body().empty());
}

TEST(BulkRequest, ClearKeepsBuffer) {
  BulkRequest request;
  for (int i = 0; i < 100; ++i) request.Add("access-logs", std::to_string(i), R"({"field":"value"})");
  size_t capacity = request.body().capacity();
  const char* data = request.body().data();

  request.Clear();
  for (int i = 0; i < 100; ++i) request.Add("access-logs", std::to_string(i), R"({"field":"value"})");

  EXPECT_EQ(request.body().capacity(), capacity);
  EXPECT_EQ(request.body().data(), data);
}

}  // namespace
}  // namespace logpipe::search
