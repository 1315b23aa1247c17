#pragma once

#include <Poco/Net/TCPServer.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// A real HTTP CONNECT proxy on 127.0.0.1 that tunnels to loopback targets only, optionally
/// demanding Basic credentials (407 otherwise). Records each CONNECT it was asked for.
class ConnectProxy
{
public:
	/// Empty `username`: no authentication required.
	explicit ConnectProxy(const std::string& username = "", const std::string& password = "");
	~ConnectProxy();

	ConnectProxy(const ConnectProxy&) = delete;
	ConnectProxy& operator=(const ConnectProxy&) = delete;

	unsigned short port() const;

	struct Attempt
	{
		std::string target; ///< host:port of the CONNECT
		std::string rawRequest; ///< the CONNECT request as received
		bool authorized = false;
	};
	std::vector<Attempt> attempts() const;

	struct State;

private:
	std::shared_ptr<State> _state;
	std::unique_ptr<Poco::Net::TCPServer> _server;
};

}
} // namespace Falcon::Testing
