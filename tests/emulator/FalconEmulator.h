#pragma once

#include "ApiClients.h"
#include "FaultPlan.h"
#include "RateLimiter.h"
#include "RequestLog.h"
#include "TokenStore.h"

#include "falcon/oauth2/region/CloudRegion.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Emulator {

struct EmulatorOptions
{
	/// One loopback listener per cloud, in this order.
	std::vector<std::string> clouds{"us-1", "us-2", "us-3", "eu-1", "us-gov-1", "us-gov-2"};
	/// The address the listeners bind: loopback, or one of a test's own network namespaces in the
	/// benchmarking range 198.18.0.0/15 (falcon-emulator --bind).
	std::string bindAddress = "127.0.0.1";
	bool tls = true;
	/// Where the CA and the server certificate live (made on first start, reused after);
	/// empty: a fresh temporary directory.
	std::string tlsDirectory;
	/// The names the server certificate is issued for; another name makes every client see a
	/// certificate for the wrong host.
	std::vector<std::string> certificateDnsNames{"localhost"};
	std::vector<std::string> certificateIpAddresses{"127.0.0.1", "::1"};
	ApiClients clients;
	std::chrono::seconds expiresIn{1799};
	unsigned rateLimit = 300; ///< token requests per source address per minute
	bool retryAfterMilliseconds = false; ///< X-Ratelimit-Retryafter in epoch ms (the spec) or s
	unsigned short firstPort = 0; ///< 0: any free port for each cloud; else consecutive ports
	std::size_t maxRequestBytes = 64 * 1024;
};

/// What the listeners share. Held by shared pointer so that a connection still draining after
/// stop() never outlives it.
struct EmulatorState
{
	EmulatorOptions options;
	TokenStore tokens;
	FaultPlan faults;
	RequestLog log;
	RateLimiter limiter{300}; ///< the token route, per cloud and address
	RateLimiter unauthenticatedLimiter{15}; ///< requests with a missing or bad bearer token
	std::map<std::string, std::string> baseUrls; ///< cloud -> https://127.0.0.1:PORT

	std::mutex mutex;
	std::condition_variable wake;
	std::atomic<bool> stopping{false};

	/// Sleeps for `delay`, or less if the emulator stops; false when it stopped.
	bool pause(std::chrono::milliseconds delay);
};

/// An offline Falcon cloud: the OAuth2 routes and a protected probe route, answered as the real
/// cloud answers them, on 127.0.0.1 only, with scriptable faults, a request log and counters.
class FalconEmulator
{
public:
	explicit FalconEmulator(EmulatorOptions options);
	~FalconEmulator();

	FalconEmulator(const FalconEmulator&) = delete;
	FalconEmulator& operator=(const FalconEmulator&) = delete;

	void start();
	void stop();

	const std::vector<std::string>& clouds() const { return _state->options.clouds; }
	std::string baseUrl(const std::string& cloud) const;
	/// The CA that signed the server certificate ("" for plain HTTP).
	const std::string& caFile() const { return _caFile; }

	/// The clouds as a region table pointing at this emulator, so clients can use the real
	/// cloud names (and autodiscovery) against it.
	OAuth2::RegionTable regionTable() const;

	FaultPlan& faults() { return _state->faults; }
	RequestLog& log() { return _state->log; }
	TokenStore& tokens() { return _state->tokens; }
	ApiClients& clients() { return _state->options.clients; }
	void setRateLimit(unsigned perMinute) { _state->limiter.setLimit(perMinute); }

	/// Canonical name of a cloud ("US2" -> "us-2"); throws Poco::InvalidArgumentException.
	static std::string canonicalCloud(const std::string& name);
	static bool isGovCloud(const std::string& cloud);

private:
	std::shared_ptr<EmulatorState> _state;
	std::string _caFile;
	std::string _temporaryDirectory;
	Poco::ThreadPool _threads;
	std::vector<std::unique_ptr<Poco::Net::HTTPServer>> _servers;
};

}
} // namespace Falcon::Emulator
