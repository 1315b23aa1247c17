#pragma once

#include <Poco/JSON/Array.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Emulator {

/// What one request carried, with its secrets already masked.
struct LoggedRequest
{
	std::string cloud;
	std::string method;
	std::string path;
	std::string source;
	std::vector<std::pair<std::string, std::string>> headers; ///< Authorization masked
	std::vector<std::pair<std::string, std::string>> form; ///< client_secret and token masked
	int status = 0;
	std::string fault; ///< the fault injected, if any
};

struct Counters
{
	unsigned long tokenRequests = 0;
	unsigned long tokensIssued = 0;
	unsigned long revokeRequests = 0;
	unsigned long revocations = 0;
	unsigned long rateLimited = 0;
	unsigned long probes = 0;
	unsigned long faults = 0;
};

/// Every request the emulator saw (the most recent `CAPACITY`), and running counters that tests
/// assert on ("exactly one token request").
class RequestLog
{
public:
	static constexpr std::size_t CAPACITY = 10000;

	void add(LoggedRequest request);
	std::vector<LoggedRequest> entries() const;
	Counters counters() const;
	void clear();

	Poco::JSON::Array::Ptr toJSON() const;

	/// Masks what the real cloud would never show: `Authorization: basic ***`.
	static std::string maskAuthorization(const std::string& value);

private:
	mutable std::mutex _mutex;
	std::vector<LoggedRequest> _entries;
	Counters _counters;
};

}
} // namespace Falcon::Emulator
