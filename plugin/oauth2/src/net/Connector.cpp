#include "falcon/oauth2/net/Connector.h"

#include "falcon/oauth2/net/BasicCredentials.h"
#include "falcon/oauth2/net/HostResolver.h"
#include "falcon/oauth2/net/SocketDeadline.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketStream.h>

#include <sstream>

namespace Falcon {
namespace OAuth2 {

Poco::Timespan Connector::budget(std::chrono::milliseconds limit, Deadline deadline)
{
	const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
	if (remaining.count() <= 0) throw Poco::TimeoutException("the call's deadline passed");
	const auto bound = std::max(std::chrono::milliseconds(1), std::min(limit, remaining));
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(bound.count()) * 1000);
}

Poco::Net::StreamSocket Connector::open(const Endpoint& origin, const ProxySettings& proxy, Poco::Net::Context::Ptr tls,
	std::chrono::milliseconds connectTimeout, Deadline deadline)
{
	const Poco::Net::SocketAddress address = proxy.enabled()
		? HostResolver::resolve(proxy.host, proxy.port, deadline)
		: HostResolver::resolve(origin.host, origin.port, deadline);
	Poco::Net::StreamSocket socket = connected(address, connectTimeout, deadline);
	// A proxy or TLS peer that answers one byte at a time is cut off at the deadline.
	SocketDeadline guard(socket, deadline);
	try
	{
		if (proxy.enabled()) tunnel(socket, origin, proxy);
		if (!origin.secure()) return socket;
		return handshake(socket, origin.host, tls, deadline, guard);
	}
	catch (const Poco::Exception&)
	{
		if (guard.passed())
			throw Poco::TimeoutException(
				"opening the connection to " + origin.str() + " did not finish before the call's deadline");
		throw;
	}
}

Poco::Net::StreamSocket Connector::open(const std::string& host, Poco::UInt16 port, Poco::Net::Context::Ptr tls,
	std::chrono::milliseconds connectTimeout, Deadline deadline, Poco::Net::Session::Ptr session)
{
	Poco::Net::StreamSocket socket = connected(HostResolver::resolve(host, port, deadline), connectTimeout, deadline);
	if (!tls) return socket;
	SocketDeadline guard(socket, deadline); // a TLS peer that trickles is cut off at the deadline
	try
	{
		return handshake(socket, host, tls, deadline, guard, session);
	}
	catch (const Poco::Exception&)
	{
		if (guard.passed())
			throw Poco::TimeoutException(
				"the TLS handshake with " + host + ":" + std::to_string(port) + " did not finish before the deadline");
		throw;
	}
}

Poco::Net::StreamSocket Connector::connected(
	const Poco::Net::SocketAddress& address, std::chrono::milliseconds connectTimeout, Deadline deadline)
{
	Poco::Net::StreamSocket socket;
	socket.connect(address, budget(connectTimeout, deadline));
	socket.setNoDelay(true);
	// Every socket leaves here with its own timeouts, whatever it is used for next.
	const Poco::Timespan untilDeadline = budget(std::chrono::milliseconds::max(), deadline);
	socket.setSendTimeout(untilDeadline);
	socket.setReceiveTimeout(untilDeadline);
	return socket;
}

void Connector::tunnel(Poco::Net::StreamSocket& socket, const Endpoint& origin, const ProxySettings& proxy)
{
	const std::string authority = (origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host)
		+ ":" + std::to_string(origin.port);
	std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
	if (!proxy.username.empty())
		request += "Proxy-Authorization: Basic " + basicCredentials(proxy.username, proxy.password) + "\r\n";
	request += "\r\n";
	socket.sendBytes(request.data(), static_cast<int>(request.size()));

	// Read the reply head byte by byte: whatever follows it belongs to the tunnel.
	std::string head;
	char c;
	while (head.size() < 16 * 1024 && head.find("\r\n\r\n") == std::string::npos)
	{
		if (socket.receiveBytes(&c, 1) <= 0)
			throw Poco::Net::NetException("the proxy closed the connection before answering CONNECT");
		head += c;
	}
	std::istringstream in(head);
	Poco::Net::HTTPResponse response;
	response.read(in);
	if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
	{
		const int status = static_cast<int>(response.getStatus());
		throw ProxyRefusedException("the proxy " + proxy.host + ":" + std::to_string(proxy.port)
				+ " refused the tunnel: " + std::to_string(status) + " " + response.getReason(),
			status);
	}
}

Poco::Net::StreamSocket Connector::handshake(Poco::Net::StreamSocket& socket, const std::string& host,
	Poco::Net::Context::Ptr tls, Deadline deadline, SocketDeadline& guard, Poco::Net::Session::Ptr session)
{
	socket.setBlocking(false);
	Poco::Net::SecureStreamSocket secure = session ? Poco::Net::SecureStreamSocket::attach(socket, host, tls, session)
												   : Poco::Net::SecureStreamSocket::attach(socket, host, tls);
	try
	{
		for (;;)
		{
			const int rc = secure.completeHandshake();
			if (rc == 1) break;
			const int mode = rc == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE ? Poco::Net::Socket::SELECT_WRITE
																					 : Poco::Net::Socket::SELECT_READ;
			if (!secure.poll(budget(std::chrono::milliseconds::max(), deadline), mode))
				throw Poco::TimeoutException("TLS handshake with " + host + " did not finish before the deadline");
		}
		secure.verifyPeerCertificate(host);
	}
	catch (...)
	{
		// A failed secure socket closes the descriptor as it goes: stop watching it first.
		guard.disarm();
		throw;
	}
	secure.setBlocking(true);
	return secure;
}

}
} // namespace Falcon::OAuth2
