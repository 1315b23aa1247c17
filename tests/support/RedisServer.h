#pragma once

#include "falcon/oauth2/store/RedisSocket.h"

#include <Poco/Process.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// A real redis-server of the test's own, on 127.0.0.1 at a free port or on a Unix socket in a
/// private directory, persisting nothing; stopped (SIGTERM) on destruction.
class RedisServer
{
public:
	/// TLS for its clients (tls-port): the server's certificate and key, and the CA its clients'
	/// certificates must come from when it asks for them. The test's own administrator connects
	/// to a plain loopback port beside it, so that a certificate made wrong on purpose does not
	/// keep the test from setting up and inspecting the server.
	struct Tls
	{
		std::string certificateFile;
		std::string keyFile;
		std::string caFile; ///< also what url() tells clients to trust
		bool requireClientCertificate = false; ///< tls-auth-clients yes
		std::string clientCertificateFile; ///< what url() presents when the server asks
		std::string clientKeyFile;
	};

	struct Options
	{
		std::string password; ///< requirepass; "" for none
		bool unixSocket = false; ///< listen on a socket file instead of TCP
		std::optional<Tls> tls;
	};

	explicit RedisServer(Options options);
	RedisServer(): RedisServer(Options{}) {}
	~RedisServer();
	RedisServer(const RedisServer&) = delete;
	RedisServer& operator=(const RedisServer&) = delete;

	/// redis://127.0.0.1:PORT/0, rediss://127.0.0.1:PORT/0?ca_bundle=... or unix:///PATH.
	std::string url() const;
	Poco::UInt16 port() const { return _port; }
	/// Stops the server at once (SIGKILL: what a crash looks like to its clients).
	void kill();
	/// Starts it again at the same address, empty.
	void start();

	/// Runs one command as an administrator (authenticated); Redis errors come back as replies.
	OAuth2::RedisReply command(const std::vector<std::string>& arguments);
	/// Every key, and every value of a string key, concatenated: what a grep of the store sees.
	std::string dump();

private:
	/// Starts redis-server at the current ports and waits for it; why it is not up, or nothing.
	std::string launch();
	/// The last line redis-server logged (it says why it would not start).
	std::string lastLogLine() const;

	Options _options;
	std::string _directory;
	Poco::UInt16 _port = 0;
	Poco::UInt16 _adminPort = 0; ///< with TLS: the administrator's plain port
	std::unique_ptr<Poco::ProcessHandle> _process;
	std::unique_ptr<OAuth2::RedisSocket> _admin;
};

}
} // namespace Falcon::Testing
