#pragma once

#include "falcon/oauth2/ApiResult.h"
#include "falcon/oauth2/ClientConfig.h"
#include "falcon/oauth2/Endpoint.h"
#include "falcon/oauth2/FormBody.h"
#include "falcon/oauth2/Redactor.h"
#include "falcon/oauth2/RetryPolicy.h"
#include "falcon/oauth2/TokenCache.h"
#include "falcon/oauth2/Transport.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

struct TokenOptions
{
	bool force = false;               ///< mint a new token even if the cached one is fresh
	std::optional<Deadline> deadline; ///< default: now + callTimeout
	const std::atomic<bool>* cancelled = nullptr; ///< when set and true, no further attempt starts and the exchange in flight ends
};

struct RevokeOptions
{
	std::string token;                ///< required
	std::string clientId;             ///< optional: "the client the token was issued to"
	std::optional<Deadline> deadline;
	const std::atomic<bool>* cancelled = nullptr;
};

/// A session with the Falcon OAuth2 API for one (base URL, client id, member CID): one
/// keep-alive connection and one token cache, safe to share between threads.
///
/// Calls never throw; failures come back as results carrying an `error`. The constructor
/// throws InvalidInputException for a configuration it refuses, before any network traffic.
class OAuth2Client
{
public:
	explicit OAuth2Client(const ClientConfig& config, Poco::Logger& logger = Poco::Logger::get("falcon.oauth2"));

	/// POST /oauth2/token, or the cached token while fresh (see TokenCache).
	ApiResult token(const TokenOptions& options = {});

	/// POST /oauth2/revoke with Basic credentials. Revoking the cached token forgets it.
	ApiResult revoke(const RevokeOptions& options);

	/// The base URL in use: the configured one, or the cloud autodiscovery switched to.
	std::string baseUrl() const;

	const Redactor& redactor() const { return _redactor; }
	const ClientConfig& config() const { return _config; }

	/// TCP connections this session opened (keep-alive reuse keeps this at one).
	unsigned connectionsOpened() const;

private:
	ApiResult mint(Deadline deadline, const std::atomic<bool>* cancelled);
	static bool waitUnlessCancelled(std::chrono::milliseconds delay, const std::atomic<bool>* cancelled);
	ApiResult post(const std::string& route, const WireRequest& request, Deadline deadline, const std::atomic<bool>* cancelled);
	ApiResult postFollowingRedirects(const std::string& route, const WireRequest& request, Deadline deadline, const std::atomic<bool>* cancelled);
	std::optional<Error> refuseRedirect(const std::string& route, const Endpoint& from, const std::string& location, Endpoint& to) const;
	void discoverRegion(const ApiResult& result);
	WireRequest formRequest(const FormBody& form) const;
	Deadline deadlineOf(const std::optional<Deadline>& deadline) const;
	void logExchange(const std::string& route, const WireRequest& request, const ApiResult& result, std::chrono::steady_clock::duration took) const;
	ApiResult failure(Error error) const;

	ClientConfig _config;
	Poco::Logger& _logger;
	Redactor _redactor;
	RetryPolicy _retryPolicy;
	TokenCache _tokenCache;
	std::string _basicCredentials;

	mutable std::mutex _baseMutex;
	Endpoint _base;
	std::atomic<bool> _baseIsCanonical{false}; ///< only a canonical cloud URL is ever switched

	/// The session's one connection is used by one call at a time; the others wait for their
	/// turn until their deadline. (A flag and a condition rather than std::timed_mutex, whose
	/// timed lock ThreadSanitizer cannot follow.)
	bool waitForTransport(Deadline deadline);
	void releaseTransport();
	std::mutex _turnMutex;
	std::condition_variable _turnFree;
	bool _transportBusy = false;
	Transport _transport;
};

} } // namespace Falcon::OAuth2
