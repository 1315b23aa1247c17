#pragma once

#include "falcon/oauth2/store/RedisConnection.h"

#include <Poco/Process.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// A real redis-server of the test's own, on 127.0.0.1 at a free port or on a Unix socket in a
/// private directory, persisting nothing; stopped (SIGTERM) on destruction.
class RedisServer
{
public:
	struct Options
	{
		std::string password; ///< requirepass; "" for none
		bool unixSocket = false; ///< listen on a socket file instead of TCP
	};

	explicit RedisServer(Options options);
	RedisServer(): RedisServer(Options{}) {}
	~RedisServer();
	RedisServer(const RedisServer&) = delete;
	RedisServer& operator=(const RedisServer&) = delete;

	/// redis://127.0.0.1:PORT/0 or unix:///PATH.
	std::string url() const;
	/// Stops the server at once (SIGKILL: what a crash looks like to its clients).
	void kill();
	/// Starts it again at the same address, empty.
	void start();

	/// Runs one command as an administrator (authenticated); Redis errors come back as replies.
	OAuth2::RedisReply command(const std::vector<std::string>& arguments);
	/// Every key, and every value of a string key, concatenated: what a grep of the store sees.
	std::string dump();

private:
	Options _options;
	std::string _directory;
	Poco::UInt16 _port = 0;
	std::unique_ptr<Poco::ProcessHandle> _process;
	std::unique_ptr<OAuth2::RedisConnection> _admin;
};

}
} // namespace Falcon::Testing
