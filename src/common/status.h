// Status: the outcome of an operation that can fail, carried across layer
// boundaries instead of a bare bool or errno. A failed Status always has a
// message that names what failed, on which value, and what to do next.
#pragma once

#include <string>
#include <utility>

namespace logpipe {

class Status {
 public:
  // Whether the failure may go away if the same operation is tried again
  // (a refused connection, a 503) or will not (a bad option, a 400).
  enum class Kind { kOk, kInvalidArgument, kTransient, kPermanent };

  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) { return Status(Kind::kInvalidArgument, std::move(message)); }
  static Status Transient(std::string message) { return Status(Kind::kTransient, std::move(message)); }
  static Status Permanent(std::string message) { return Status(Kind::kPermanent, std::move(message)); }

  bool ok() const { return kind_ == Kind::kOk; }
  bool transient() const { return kind_ == Kind::kTransient; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }

 private:
  Status(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  Kind kind_ = Kind::kOk;
  std::string message_;
};

}  // namespace logpipe
