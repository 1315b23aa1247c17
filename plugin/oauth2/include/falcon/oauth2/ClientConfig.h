#pragma once

#include "falcon/oauth2/region/CloudRegion.h"
#include "falcon/oauth2/store/TokenCacheSettings.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// Everything a session needs to talk to one Falcon cloud as one API client. Plain data; the
/// client validates it on construction (see `validate`).
struct ClientConfig
{
	using Milliseconds = std::chrono::milliseconds;

	std::string cloud = "us-1"; ///< a cloud name or alias, a bare host or a URL
	std::string baseUrl; ///< when set, used instead of `cloud` (gateways, emulators)
	std::string clientId;
	std::string clientSecret; ///< a secret
	std::string memberCid; ///< MSSP: act for this child CID
	std::string userAgent; ///< the caller's own product token, e.g. "acme-soar/2.1"
	std::string caBundle; ///< PEM file of trusted CAs; empty: the system's
	bool verifyTls = true; ///< turning this off logs a warning on every session
	std::string proxy; ///< http://[user[:password]@]host[:port]; empty: see below
	bool proxyFromEnvironment = true; ///< with no `proxy`, honour HTTPS_PROXY/NO_PROXY

	Milliseconds connectTimeout{10000}; ///< TCP connect plus TLS handshake
	Milliseconds readTimeout{30000}; ///< silence allowed while waiting for a reply
	Milliseconds callTimeout{60000}; ///< a whole call, retries and redirects included
	std::size_t maxResponseBytes = 1024 * 1024;

	std::chrono::seconds renewalWindow{120}; ///< refresh this long before expiry (clamped 120..1200)
	unsigned maxRetries = 3; ///< token route, on 429/5xx; 0 disables
	Milliseconds retryBaseDelay{500};
	Milliseconds retryMaxDelay{30000};
	Milliseconds loginBackoffInitial{1000}; ///< after a refused login, first quiet period
	Milliseconds loginBackoffMax{300000};

	TokenCacheSettings tokenCache;

	const RegionTable* regions = &RegionTable::falcon();

	/// Throws InvalidInputException whose message starts with the field's name
	/// (`client_id: must not be empty`). Never echoes a secret value.
	void validate() const;

	/// The base URL this configuration points at: `baseUrl` if set, else `cloud` resolved.
	std::string effectiveBaseUrl() const;

	static std::chrono::seconds clampRenewalWindow(std::chrono::seconds window);

	static constexpr std::size_t MAX_TOKEN_LENGTH = 16 * 1024;
};

}
} // namespace Falcon::OAuth2
