#pragma once

#include "FalconEmulator.h"

#include "falcon/oauth2/net/BasicCredentials.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <cppunit/TestFixture.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Testing {

inline const std::string US1_CLIENT = "us1client0123456789abcdef012345";
inline const std::string US1_SECRET = "us1/Secret+value=1";
inline const std::string US2_CLIENT = "us2client0123456789abcdef012345";
inline const std::string US2_SECRET = "us2/Secret+value=2";
inline const std::string GOV_CLIENT = "govclient0123456789abcdef012345";
inline const std::string GOV_SECRET = "gov-secret";
inline const std::string FENCED_CLIENT = "fencedclient0123456789abcdef0123";
inline const std::string FENCED_SECRET = "fenced-secret";
inline const std::string CHILD_CID = "abcdef0123456789abcdef0123456789";

/// us-1, us-2 and us-gov-1 listeners and one client of each kind, plus one whose IP allow-list
/// excludes loopback.
inline Emulator::EmulatorOptions emulatorOptions()
{
	Emulator::EmulatorOptions options;
	options.clouds = {"us-1", "us-2", "us-gov-1"};
	options.clients.add({US1_CLIENT, US1_SECRET, "us-1", {CHILD_CID}, {}});
	options.clients.add({US2_CLIENT, US2_SECRET, "us-2", {}, {}});
	options.clients.add({GOV_CLIENT, GOV_SECRET, "us-gov-1", {}, {}});
	options.clients.add({FENCED_CLIENT, FENCED_SECRET, "us-1", {}, {"192.0.2.10"}});
	return options;
}

struct RawReply
{
	int status = 0;
	std::string reason;
	std::vector<std::pair<std::string, std::string>> headers;
	std::string body;
	std::string error; ///< what went wrong when no reply could be read

	std::string header(const std::string& name) const;
	bool has(const std::string& name) const;
};

/// A plain Poco HTTP(S) client (not the plugin's): keep-alive, the emulator's CA, strict
/// verification. For checking the emulator against the contract on its own.
class RawClient
{
public:
	RawClient(const std::string& baseUrl, const std::string& caFile,
		std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

	RawReply send(const std::string& method, const std::string& path, const std::string& body = "",
		std::vector<std::pair<std::string, std::string>> headers = {},
		const std::string& contentType = "application/x-www-form-urlencoded");

	RawReply token(const std::string& clientId, const std::string& secret, const std::string& memberCid = "");
	RawReply revoke(const std::string& token, const std::string& clientId, const std::string& secret);
	RawReply probe(const std::string& token);

	unsigned connectionsOpened() const { return _connections; }

private:
	std::unique_ptr<Poco::Net::HTTPClientSession> _session;
	unsigned _connections = 0;
};

/// Starts a fresh emulator (emulatorOptions()) for every test, and stops it after.
class EmulatorFixture: public CppUnit::TestFixture
{
public:
	void setUp() override { restart(emulatorOptions()); }
	void tearDown() override { _emulator.reset(); }

protected:
	void restart(Emulator::EmulatorOptions options)
	{
		_emulator.reset();
		_emulator = std::make_unique<Emulator::FalconEmulator>(std::move(options));
		_emulator->start();
	}

	/// A plain client of one of the emulator's clouds.
	RawClient raw(
		const std::string& cloud = "us-1", std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const
	{
		return RawClient(_emulator->baseUrl(cloud), _emulator->caFile(), timeout);
	}

	std::unique_ptr<Emulator::FalconEmulator> _emulator;
};

/// The access token of a 201 body, or "".
std::string accessTokenIn(const std::string& body);
using OAuth2::basicCredentials;

}
} // namespace Falcon::Testing
