#include "falcon/oauth2/http/HttpTransport.h"

#include "falcon/oauth2/net/Connector.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/net/SocketDeadline.h"
#include "falcon/oauth2/net/TlsContexts.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

#include <algorithm>
#include <optional>

namespace Falcon {
namespace OAuth2 {

HttpTransport::HttpTransport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor):
	_settings(std::move(settings)), _logger(logger), _redactor(redactor)
{
}

HttpTransport::~HttpTransport()
{
	drop();
}

Poco::Net::Context::Ptr HttpTransport::tlsContext()
{
	if (!_context)
	{
		try
		{
			_context = sharedTlsContext(_settings.caBundle, _settings.verifyTls);
		}
		catch (const Poco::Exception& e)
		{
			throw TransportError(ErrorKind::Tls, _redactor.redact("cannot set up TLS: " + e.displayText()), true);
		}
	}
	return _context;
}

ProxySettings HttpTransport::proxyFor(const Endpoint& target) const
{
	if (_settings.proxy.enabled() || !_settings.proxyFromEnvironment) return _settings.proxy;
	try
	{
		return ProxySettings::fromEnvironment(target.host);
	}
	catch (const InvalidInputException& e)
	{
		throw TransportError(ErrorKind::InvalidInput, e.message(), true);
	}
}

void HttpTransport::connect(const Endpoint& target, Deadline deadline)
{
	const ProxySettings proxy = proxyFor(target);
	_redactor.addSecret(proxy.password);
	Poco::Net::StreamSocket socket =
		Connector::open(target, proxy, target.secure() ? tlsContext() : nullptr, _settings.connectTimeout, deadline);
	// The connection only frames HTTP on our socket: it never reconnects behind our back (which
	// would escape the deadline).
	_connection = std::make_unique<HttpConnection>(socket, _settings.readTimeout);
	// Each read and write waits at most the read timeout; each exchange as a whole ends at its
	// deadline, where its guard shuts the socket down. So the timeouts are set once per
	// connection, not per call (two system calls each time).
	const Poco::Timespan readTimeout = Connector::budget(_settings.readTimeout, Deadline::max());
	_connection->socket().setReceiveTimeout(readTimeout);
	_connection->socket().setSendTimeout(readTimeout);
	_origin = target;
	++_connectionsOpened;
}

void HttpTransport::drop()
{
	if (!_connection) return;
	try
	{
		_connection->abort();
	}
	catch (const Poco::Exception&)
	{
		// Already gone: nothing left to close.
	}
	_connection.reset();
}

WireReply HttpTransport::post(
	const Endpoint& target, const WireRequest& request, Deadline deadline, const Cancellation* cancellation)
{
	const std::string bytes = message(target, request);
	if (_connection && !_origin.sameOrigin(target)) drop();
	const bool reused = _connection != nullptr;
	try
	{
		return exchange(target, bytes, deadline, cancellation);
	}
	catch (const TransportError& e)
	{
		// A keep-alive connection the server has since closed fails before any reply arrives;
		// that is not the call's failure, so try once more on a fresh connection.
		if (!reused || !e.beforeReply() || e.kind() == ErrorKind::Timeout || e.kind() == ErrorKind::Cancelled
			|| Clock::now() >= deadline)
			throw;
		_logger.debug("the kept-alive connection was closed by the server; reconnecting");
		return exchange(target, bytes, deadline, cancellation);
	}
}

/// One exchange's state: where it goes, whether a reply began, and the deadline's guard. It
/// words every failure the same way.
struct HttpTransport::Exchange
{
	Exchange(HttpTransport& transport, const Endpoint& target, const Cancellation* cancellation):
		transport(transport), where(target.str()), cancellation(cancellation)
	{
	}

	/// Closes the connection and words `message` as a failure of `kind`, unless the deadline or
	/// a cancellation cut the exchange short: then that is what it says.
	TransportError failure(ErrorKind kind, const std::string& message, bool permanent = false)
	{
		const bool deadlinePassed = guard && guard->passed();
		close();
		if (deadlinePassed && Cancellation::requested(cancellation))
			return TransportError(ErrorKind::Cancelled, "the call was cancelled while talking to " + where, !replied);
		if (deadlinePassed)
			return TransportError(ErrorKind::Timeout, "the call's deadline passed while talking to " + where, !replied);
		return TransportError(kind, transport._redactor.redact(message), !replied, permanent);
	}

	void close()
	{
		if (guard) guard->disarm();
		transport.drop();
	}

	HttpTransport& transport;
	const std::string where;
	const Cancellation* const cancellation;
	/// The read timeout bounds each read; this bounds the whole exchange, however the peer paces it.
	std::optional<SocketDeadline> guard;
	bool replied = false;
	bool keepAlive = true; ///< the server keeps the connection open after this reply
};

WireReply HttpTransport::exchange(
	const Endpoint& target, const std::string& bytes, Deadline deadline, const Cancellation* cancellation)
{
	Exchange exchange(*this, target, cancellation);
	try
	{
		if (!_connection) connect(target, deadline);
		if (Clock::now() >= deadline) throw Poco::TimeoutException("the call's deadline passed");
		exchange.guard.emplace(_connection->socket(), deadline, cancellation);
		_connection->send(bytes);
		WireReply reply = receive(exchange);
		exchange.guard->disarm();
		if (!exchange.keepAlive) drop();
		return reply;
	}
	catch (...)
	{
		throw classified(std::current_exception(), exchange);
	}
}

namespace {

/// Whether `text` may stand in a header line: no line break or NUL (which would start a header
/// of its own: header injection) and, in a name, no separator either.
bool fitsALine(const std::string& text, bool isName)
{
	for (const char c : text)
	{
		if (c == '\r' || c == '\n' || c == '\0' || (isName && (c == ':' || c == ' ' || c == '\t'))) return false;
	}
	return !(isName && text.empty());
}

void addField(std::string& message, const std::string& name, const std::string& value)
{
	// The message names the header only: its value may be a credential.
	if (!fitsALine(name, true))
		throw TransportError(ErrorKind::InvalidInput, "a request header's name is not a header name", true, true);
	if (!fitsALine(value, false))
		throw TransportError(ErrorKind::InvalidInput, "the request header " + name + " holds a line break", true, true);
	message += name;
	message += ": ";
	message += value;
	message += "\r\n";
}

} // namespace

std::string HttpTransport::message(const Endpoint& target, const WireRequest& request)
{
	std::string message;
	message.reserve(256 + request.body.size());
	message += "POST ";
	message += target.path.empty() ? "/" : target.path;
	message += " HTTP/1.1\r\nHost: ";
	const bool literalIpv6 = target.host.find(':') != std::string::npos;
	if (literalIpv6) message += '[';
	message += target.host;
	if (literalIpv6) message += ']';
	if (target.port != (target.secure() ? 443 : 80))
	{
		message += ':';
		message += std::to_string(target.port);
	}
	message += "\r\n";
	for (const auto& header : request.headers) addField(message, header.first, header.second);
	addField(message, "Content-Type", request.contentType);
	addField(message, "Content-Length", std::to_string(request.body.size()));
	message += "Connection: Keep-Alive\r\n\r\n";
	message += request.body;
	return message;
}

WireReply HttpTransport::receive(Exchange& exchange)
{
	const std::string& where = exchange.where;
	ResponseHead head = _connection->readHead();
	exchange.replied = true;
	WireReply reply;
	reply.status = head.status;
	reply.headers = std::move(head.headers);
	if (head.contentLength && *head.contentLength > _settings.maxResponseBytes)
	{
		throw exchange.failure(ErrorKind::Protocol,
			"reply from " + where + " announces " + std::to_string(*head.contentLength)
				+ " bytes, more than the limit of " + std::to_string(_settings.maxResponseBytes) + " bytes");
	}
	if (head.contentLength) reply.body.reserve(*head.contentLength);
	readBody(reply.body);
	// A body cut off by the deadline can look complete (no Content-Length: it ends at the close).
	if (exchange.guard->passed()) throw exchange.failure(ErrorKind::Timeout, "");
	if (head.contentLength && reply.body.size() < *head.contentLength)
	{
		throw exchange.failure(ErrorKind::Protocol,
			"reply from " + where + " was cut short: got " + std::to_string(reply.body.size()) + " of "
				+ std::to_string(*head.contentLength) + " bytes");
	}
	exchange.keepAlive = head.keepAlive;
	return reply;
}

TransportError HttpTransport::classified(std::exception_ptr thrown, Exchange& exchange)
{
	const std::string& where = exchange.where;
	try
	{
		std::rethrow_exception(thrown);
	}
	catch (const TransportError& e)
	{
		if (e.kind() != ErrorKind::Timeout && e.kind() != ErrorKind::Cancelled && exchange.guard
			&& exchange.guard->passed())
			return exchange.failure(ErrorKind::Timeout, "");
		exchange.close();
		return e;
	}
	catch (const Poco::TimeoutException& e)
	{
		return exchange.failure(ErrorKind::Timeout, "timed out talking to " + where + ": " + e.displayText());
	}
	catch (const Poco::Net::SSLException& e)
	{
		return exchange.failure(ErrorKind::Tls, "TLS failure with " + where + ": " + e.displayText());
	}
	catch (const Poco::Net::NoMessageException& e)
	{
		return exchange.failure(ErrorKind::Network, "no reply from " + where + ": " + e.displayText());
	}
	catch (const ProxyRefusedException& e)
	{
		return exchange.failure(ErrorKind::Network, "cannot talk to " + where + ": " + e.displayText(), e.permanent());
	}
	catch (const Poco::Net::MessageException& e)
	{
		return exchange.failure(ErrorKind::Protocol, "bad reply from " + where + ": " + e.displayText());
	}
	catch (const Poco::Exception& e)
	{
		return exchange.failure(ErrorKind::Network, "cannot talk to " + where + ": " + e.displayText());
	}
	catch (const std::exception& e)
	{
		return exchange.failure(ErrorKind::Network, "cannot talk to " + where + ": " + e.what());
	}
}

void HttpTransport::readBody(std::string& body)
{
	char buffer[16 * 1024];
	for (;;)
	{
		const std::size_t got = _connection->readBody(buffer, sizeof buffer);
		if (got == 0) return;
		if (body.size() + got > _settings.maxResponseBytes)
			throw TransportError(ErrorKind::Protocol,
				"reply larger than the limit of " + std::to_string(_settings.maxResponseBytes) + " bytes");
		body.append(buffer, got);
	}
}

}
} // namespace Falcon::OAuth2
