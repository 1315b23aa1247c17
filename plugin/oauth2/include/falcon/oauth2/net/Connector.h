#pragma once

#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/net/ProxySettings.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/Session.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <string>

namespace Falcon {
namespace OAuth2 {

class SocketDeadline;

/// The proxy answered CONNECT with something other than 200.
class ProxyRefusedException: public Poco::Net::NetException
{
public:
	ProxyRefusedException(const std::string& message, int status): Poco::Net::NetException(message), _status(status) {}
	int status() const { return _status; }
	/// 4xx (credentials refused, destination forbidden): asking again cannot help; a 5xx may pass.
	bool permanent() const { return _status >= 400 && _status < 500; }
	const char* name() const noexcept override { return "Proxy refused the tunnel"; }
	const char* className() const noexcept override { return "Falcon::OAuth2::ProxyRefusedException"; }
	Poco::Exception* clone() const override { return new ProxyRefusedException(*this); }
	void rethrow() const override { throw *this; }

private:
	int _status;
};

/// Opens the connection a request travels on, every step bounded by the call's deadline: the
/// name lookup (HostResolver), the TCP connect, an optional CONNECT tunnel through a proxy, and
/// the TLS handshake (run non-blocking, so that no step can wait longer than the time that is
/// left) followed by certificate and host name verification. The tunnel and the handshake are
/// also under a SocketDeadline, so a peer that trickles its answer cannot stretch them.
///
/// Owning this instead of letting Poco's HTTPClientSession reconnect on its own is what makes a
/// call's deadline hold: Poco applies its timeouts per blocking step, and a handshake takes
/// several.
class Connector
{
public:
	/// Throws Poco exceptions (TimeoutException, SSLException, NetException...) on failure;
	/// the transport classifies them.
	static Poco::Net::StreamSocket open(const Endpoint& origin, const ProxySettings& proxy, Poco::Net::Context::Ptr tls,
		std::chrono::milliseconds connectTimeout, Deadline deadline);

	/// A direct connection to `host`:`port` for another protocol (Redis), under the same bounds;
	/// TLS when `tls` is given, `host` then being the name sent (SNI) and verified. `session`,
	/// when given, is offered for resumption (a reconnect skips the full handshake).
	static Poco::Net::StreamSocket open(const std::string& host, Poco::UInt16 port, Poco::Net::Context::Ptr tls,
		std::chrono::milliseconds connectTimeout, Deadline deadline, Poco::Net::Session::Ptr session = nullptr);

	/// What is left of `limit` before `deadline`, at least 1 ms; throws TimeoutException when
	/// the deadline has passed.
	static Poco::Timespan budget(std::chrono::milliseconds limit, Deadline deadline);

private:
	/// A TCP connection to `address`, with its send and receive timeouts set to the deadline.
	static Poco::Net::StreamSocket connected(
		const Poco::Net::SocketAddress& address, std::chrono::milliseconds connectTimeout, Deadline deadline);
	static void tunnel(Poco::Net::StreamSocket& socket, const Endpoint& origin, const ProxySettings& proxy);
	static Poco::Net::StreamSocket handshake(Poco::Net::StreamSocket& socket, const std::string& host,
		Poco::Net::Context::Ptr tls, Deadline deadline, SocketDeadline& guard,
		Poco::Net::Session::Ptr session = nullptr);
};

}
} // namespace Falcon::OAuth2
