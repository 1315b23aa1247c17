#pragma once

#include "falcon/oauth2/http/HttpConnection.h"
#include "falcon/oauth2/http/Transport.h"

#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// One keep-alive HTTP(S) connection, reused across calls while the origin stays the same. Owns
/// its own TLS Context (never Poco's SSLManager), opens connections through Connector (proxy,
/// TLS, deadline), bounds each read by the read timeout and the whole exchange by the call's
/// deadline (SocketDeadline), and caps the reply size. Not
/// thread-safe: the client serialises calls.
class HttpTransport final: public Transport
{
public:
	HttpTransport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor);
	~HttpTransport() override;

	WireReply post(const Endpoint& target, const WireRequest& request, Deadline deadline,
		const Cancellation* cancellation = nullptr) override;
	unsigned connectionsOpened() const override { return _connectionsOpened.load(); }

private:
	void connect(const Endpoint& target, Deadline deadline);
	void drop();
	struct Exchange;

	/// One request (`bytes`, the whole message) and its reply on the kept connection
	/// (opened first when there is none).
	WireReply exchange(
		const Endpoint& target, const std::string& bytes, Deadline deadline, const Cancellation* cancellation);
	/// The request as it goes out: its head and body, in one piece. Throws TransportError
	/// (invalid input) for a header that would break its line.
	static std::string message(const Endpoint& target, const WireRequest& request);
	WireReply receive(Exchange& exchange);
	/// What went wrong in an exchange, as a TransportError of the right kind.
	TransportError classified(std::exception_ptr thrown, Exchange& exchange);
	/// Appends the reply's body to `body`, up to the size limit.
	void readBody(std::string& body);
	Poco::Net::Context::Ptr tlsContext();
	ProxySettings proxyFor(const Endpoint& target) const;

	TransportSettings _settings;
	Poco::Logger& _logger;
	Redactor& _redactor;
	Poco::Net::Context::Ptr _context;
	std::unique_ptr<HttpConnection> _connection;
	Endpoint _origin;
	std::atomic<unsigned> _connectionsOpened{0};
};

}
} // namespace Falcon::OAuth2
