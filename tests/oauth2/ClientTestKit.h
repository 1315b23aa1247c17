#pragma once

#include "ScriptedServer.h"
#include "CertificateAuthority.h"
#include "TestDirectory.h"

#include "falcon/oauth2/ClientConfig.h"

#include <Poco/String.h>

#include <atomic>
#include <string>

namespace Falcon {
namespace Testing {

/// Secrets used by the client tests. Each contains characters that change under form, percent
/// and JSON encoding, so that redaction is tested in every spelling.
inline const std::string TEST_CLIENT_ID = "0123456789abcdef0123456789abcdef";
inline const std::string TEST_CLIENT_SECRET = "s3cr3t/Value+with=special&chars";
inline const std::string TEST_PROXY_PASSWORD = "pr0xy/pass+word";

/// A fresh, unique token value for each reply, so that tests can tell tokens apart.
inline std::string nextTestToken()
{
	static std::atomic<unsigned> counter{0};
	return "eyJ0ZXN0IjoidG9rZW4ifQ." + std::to_string(++counter) + "/sig+nature=";
}

/// A certificate for the loopback addresses this suite listens on (127.0.0.1 and 127.0.0.2).
inline const CertificateAuthority::Issued& loopbackCertificate()
{
	static const CertificateAuthority::Issued issued =
		testPki().issue("loopback", {"localhost"}, {"127.0.0.1", "127.0.0.2", "::1"});
	return issued;
}

/// A client configuration aimed at `server`, trusting the test CA, with short timeouts.
inline OAuth2::ClientConfig configFor(const ScriptedServer& server)
{
	OAuth2::ClientConfig config;
	config.baseUrl = server.baseUrl();
	config.clientId = TEST_CLIENT_ID;
	config.clientSecret = TEST_CLIENT_SECRET;
	config.caBundle = testPki().caFile();
	config.proxyFromEnvironment = false;
	config.connectTimeout = std::chrono::milliseconds(2000);
	config.readTimeout = std::chrono::milliseconds(2000);
	config.callTimeout = std::chrono::milliseconds(5000);
	config.retryBaseDelay = std::chrono::milliseconds(20);
	config.retryMaxDelay = std::chrono::milliseconds(100);
	config.loginBackoffInitial = std::chrono::milliseconds(300);
	return config;
}

/// The real cloud's 201.
inline ScriptedReply tokenReply(const std::string& token, const std::string& region = "us-1", int expiresIn = 1799)
{
	return ScriptedReply::json(201,
		"{\"access_token\": \"" + token + "\", \"expires_in\": " + std::to_string(expiresIn)
			+ ", \"token_type\": \"bearer\"}",
		{{"X-Cs-Region", region}, {"X-Cs-Traceid", "11111111-2222-3333-4444-555555555555"},
			{"X-Ratelimit-Limit", "300"}, {"X-Ratelimit-Remaining", "299"}});
}

/// The real cloud's meta-only reply.
inline ScriptedReply metaReply(int status, const std::string& message, Headers headers = {})
{
	const std::string errors =
		message.empty() ? "[]" : "[{\"code\": " + std::to_string(status) + ", \"message\": \"" + message + "\"}]";
	headers.emplace_back("X-Cs-Traceid", "99999999-8888-7777-6666-555555555555");
	return ScriptedReply::json(status,
		"{\"meta\": {\"query_time\": 0.012, \"trace_id\": \"99999999-8888-7777-6666-555555555555\", \"powered_by\": "
		"\"csam\"}, \"errors\": "
			+ errors + "}",
		std::move(headers));
}

/// Answers the token route with fresh tokens and the revoke route with 200.
inline ScriptedServer::Handler falconLike(const std::string& region = "us-1")
{
	return [region](const RecordedRequest& request) {
		if (Poco::endsWith(request.target, std::string("/oauth2/token"))) return tokenReply(nextTestToken(), region);
		return metaReply(200, "");
	};
}

inline ScriptedReply redirectTo(const std::string& location, const std::string& region = "us-2")
{
	ScriptedReply reply;
	reply.status = 308;
	reply.headers = {{"Location", location}, {"X-Cs-Region", region}};
	return reply;
}

/// Two clouds on loopback: us-2 on 127.0.0.2 issuing tokens, us-1 on 127.0.0.1 sending every
/// request there with a 308, and a region table naming both, so the client uses cloud names.
struct TwoClouds
{
	ScriptedServer us2{falconLike("us-2"), &loopbackCertificate(), "127.0.0.2"};
	ScriptedServer us1{[this](const RecordedRequest& request) { return redirectTo(us2.baseUrl() + request.target); },
		&loopbackCertificate()};
	OAuth2::RegionTable table{{{"us-1", {}, us1.baseUrl(), true}, {"us-2", {}, us2.baseUrl(), true}}};

	OAuth2::ClientConfig config() const
	{
		OAuth2::ClientConfig config = configFor(us1);
		config.baseUrl.clear();
		config.cloud = "us-1";
		config.regions = &table;
		return config;
	}
};

}
} // namespace Falcon::Testing
