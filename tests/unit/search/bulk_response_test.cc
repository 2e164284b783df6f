#include "search/bulk_response.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace logpipe::search {
namespace {

// Reads a response body captured from OpenSearch 2.19.6 (see testdata/).
std::string ReadTestData(const std::string& name) {
  std::ifstream file(std::string(LOGPIPE_SEARCH_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(file.good()) << "missing test data file " << name;
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

TEST(ParseBulkResponse, AllCreated) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_success.json"), 3, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 3u);
  for (const auto& item : items) {
    EXPECT_EQ(item.status, 201);
    EXPECT_TRUE(item.error_type.empty());
    EXPECT_TRUE(item.error_reason.empty());
  }
}

TEST(ParseBulkResponse, MixedErrorsInOrder) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_mixed_errors.json"), 4, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].status, 201);
  EXPECT_EQ(items[1].status, 400);
  EXPECT_EQ(items[2].status, 429);
  EXPECT_EQ(items[3].status, 400);
}

TEST(ParseBulkResponse, MapperParsingReason) {
  std::vector<BulkItemResult> items;
  ASSERT_TRUE(ParseBulkResponse(ReadTestData("bulk_mixed_errors.json"), 4, &items).ok());

  EXPECT_EQ(items[1].error_type, "mapper_parsing_exception");
  EXPECT_EQ(items[1].error_reason,
            "mapper_parsing_exception: failed to parse field [http.response.body.bytes] of type [long] in document "
            "with id '5'. Preview of field's value: 'lots' (caused by illegal_argument_exception: For input string: "
            "\"lots\")");
}

TEST(ParseBulkResponse, NestedCausedBy) {
  std::vector<BulkItemResult> items;
  ASSERT_TRUE(ParseBulkResponse(ReadTestData("bulk_mixed_errors.json"), 4, &items).ok());

  EXPECT_NE(items[3].error_reason.find("(caused by illegal_argument_exception: failed to parse date field"),
            std::string::npos)
      << items[3].error_reason;
  EXPECT_NE(items[3].error_reason.find("(caused by date_time_parse_exception: "), std::string::npos)
      << items[3].error_reason;
}

TEST(ParseBulkResponse, TooManyRequestsItem) {
  std::vector<BulkItemResult> items;
  ASSERT_TRUE(ParseBulkResponse(ReadTestData("bulk_mixed_errors.json"), 4, &items).ok());

  EXPECT_EQ(items[2].error_type, "cluster_block_exception");
  EXPECT_EQ(items[2].error_reason.rfind("cluster_block_exception: index [", 0), 0u) << items[2].error_reason;
}

TEST(ParseBulkResponse, FilteredResponse) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_mixed_errors_filtered.json"), 4, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].status, 200);
  EXPECT_EQ(items[1].error_type, "mapper_parsing_exception");
  EXPECT_EQ(items[2].status, 429);
  EXPECT_EQ(items[3].status, 400);
}

TEST(ParseBulkResponse, UnparsableDocument) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_mapper_parsing_400.json"), 1, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].status, 400);
  EXPECT_EQ(items[0].error_reason.rfind("mapper_parsing_exception: failed to parse (caused by json_e_o_f_exception: ",
                                        0),
            0u)
      << items[0].error_reason;
}

TEST(ParseBulkResponse, AnyActionKey) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_mixed_actions.json"), 4, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].status, 409);
  EXPECT_EQ(items[0].error_type, "version_conflict_engine_exception");
  EXPECT_EQ(items[1].status, 200);
  EXPECT_EQ(items[2].status, 200);
  EXPECT_EQ(items[3].status, 404);
  EXPECT_TRUE(items[3].error_reason.empty());
}

TEST(ParseBulkResponse, WrongItemCount) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("bulk_success.json"), 4, &items);

  EXPECT_TRUE(status.transient());
  EXPECT_NE(status.message().find("3 items for a request of 4"), std::string::npos) << status.message();
}

TEST(ParseBulkResponse, WholeRequestError) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(ReadTestData("request_malformed_400.json"), 1, &items);

  EXPECT_TRUE(status.transient());
  EXPECT_NE(status.message().find("illegal_argument_exception: Malformed action/metadata line [1]"),
            std::string::npos)
      << status.message();
}

TEST(ParseBulkResponse, MalformedBodies) {
  const std::vector<std::string> bodies = {
      "",
      "not json",
      "{\"items\":[",
      "[]",
      "{\"items\":{}}",
      "{\"items\":[{}]}",
      "{\"items\":[{\"index\":{}}]}",
      "{\"items\":[{\"index\":{\"status\":\"201\"}}]}",
      "{\"items\":[{\"index\":{\"status\":201.5}}]}",
      "{\"items\":[{\"index\":{\"status\":99}}]}",
      "{\"items\":[{\"index\":{\"status\":18446744073709551615}}]}",
      "{\"items\":[{\"index\":{\"status\":-201}}]}",
      "{\"items\":[{\"index\":{\"status\":201},\"create\":{\"status\":201}}]}",
      "{\"items\":[{\"index\":[201]}]}",
      "{\"items\":[7]}",
      std::string("{\"items\":[\0{\"index\":{\"status\":201}}]}", 37),
  };
  for (const auto& body : bodies) {
    std::vector<BulkItemResult> items;
    Status status = ParseBulkResponse(body, 1, &items);
    EXPECT_TRUE(status.transient()) << "body: " << body;
  }
}

TEST(ParseBulkResponse, OddErrorShapes) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(
      R"({"items":[{"index":{"status":400,"error":"plain text"}},{"index":{"status":400,"error":42}},)"
      R"({"index":{"status":400,"error":{"caused_by":{"reason":"inner"}}}}]})",
      3, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].error_reason, "plain text");
  EXPECT_EQ(items[1].error_reason, "unknown error");
  EXPECT_EQ(items[2].error_reason, "unknown error (caused by inner)");
}

TEST(ParseBulkResponse, DeepNestingRejected) {
  std::string body = R"({"items":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::vector<BulkItemResult> items;

  EXPECT_TRUE(ParseBulkResponse(body, 1, &items).transient());
}

TEST(ParseBulkResponse, EmptyRequest) {
  std::vector<BulkItemResult> items;
  Status status = ParseBulkResponse(R"({"errors":false,"items":[]})", 0, &items);

  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(items.empty());
}

}  // namespace
}  // namespace logpipe::search
