#include "falcon/oauth2/Transport.h"

#include "falcon/oauth2/Redactor.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

#include <algorithm>

namespace Falcon {
namespace OAuth2 {

using Clock = std::chrono::steady_clock;

TransportError::TransportError(ErrorKind kind, const std::string& message):
	Poco::Exception(message),
	_kind(kind)
{
}

namespace {

Poco::Timespan boundedBy(std::chrono::milliseconds limit, Deadline deadline)
{
	const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
	const auto bound = std::max(std::chrono::milliseconds(1), std::min(limit, remaining));
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(bound.count()) * 1000);
}

} // namespace

Transport::Transport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor):
	_settings(std::move(settings)),
	_logger(logger),
	_redactor(redactor)
{
	if (!_settings.verifyTls)
		_logger.warning("TLS certificate verification is OFF for this session: any server can impersonate the Falcon API and receive the client secret");
}

Transport::~Transport() = default;

Poco::Net::Context::Ptr Transport::tlsContext()
{
	if (!_context)
	{
		// Our own Context: the host's SSLManager settings, whatever they are, never apply to us.
		Poco::Net::Context::Params params;
		params.caLocation = _settings.caBundle;
		params.loadDefaultCAs = _settings.caBundle.empty(); // a CA bundle given is the whole trust
		params.verificationMode = _settings.verifyTls ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE;
		params.verificationDepth = 9;
		try
		{
			_context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
			_context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
		}
		catch (const Poco::Exception& e)
		{
			throw TransportError(ErrorKind::Tls, _redactor.redact("cannot set up TLS: " + e.displayText()));
		}
	}
	return _context;
}

void Transport::useOrigin(const Endpoint& target)
{
	if (_session && _origin.sameOrigin(target)) return;
	ProxySettings proxy = _settings.proxy;
	if (!proxy.enabled() && _settings.proxyFromEnvironment)
	{
		try
		{
			proxy = ProxySettings::fromEnvironment(target.host);
		}
		catch (const InvalidInputException& e)
		{
			throw TransportError(ErrorKind::InvalidInput, e.message());
		}
	}
	if (target.secure())
		_session = std::make_unique<Poco::Net::HTTPSClientSession>(target.host, target.port, tlsContext());
	else
		_session = std::make_unique<Poco::Net::HTTPClientSession>(target.host, target.port);
	_session->setKeepAlive(true);
	if (proxy.enabled())
	{
		_redactor.addSecret(proxy.password);
		_session->setProxy(proxy.host, proxy.port);
		if (!proxy.username.empty()) _session->setProxyCredentials(proxy.username, proxy.password);
	}
	_origin = target;
}

WireReply Transport::post(const Endpoint& target, const WireRequest& request, Deadline deadline)
{
	useOrigin(target);
	const bool reused = _session->connected();
	try
	{
		return exchange(target, request, deadline);
	}
	catch (const TransportError& e)
	{
		// A keep-alive connection the server has since closed fails before any reply arrives;
		// that is not the call's failure, so try once more on a fresh connection.
		if (!reused || e.kind() != ErrorKind::Network || Clock::now() >= deadline) throw;
		_logger.debug("kept-alive connection was closed by the server; reconnecting");
		_session->reset();
		return exchange(target, request, deadline);
	}
}

WireReply Transport::exchange(const Endpoint& target, const WireRequest& request, Deadline deadline)
{
	if (Clock::now() >= deadline) throw TransportError(ErrorKind::Timeout, "the call's deadline passed before the request was sent");
	if (!_session->connected()) ++_connectionsOpened;
	const Poco::Timespan readTimeout = boundedBy(_settings.readTimeout, deadline);
	_session->setTimeout(boundedBy(_settings.connectTimeout, deadline), readTimeout, readTimeout);
	if (_session->connected())
	{
		_session->socket().setReceiveTimeout(readTimeout);
		_session->socket().setSendTimeout(readTimeout);
	}

	const std::string where = target.str();
	bool replied = false;
	try
	{
		Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_POST, target.path.empty() ? "/" : target.path, Poco::Net::HTTPMessage::HTTP_1_1);
		httpRequest.setHost(target.host, target.port);
		for (const auto& header : request.headers) httpRequest.add(header.first, header.second);
		httpRequest.setContentType(request.contentType);
		httpRequest.setContentLength(static_cast<std::streamsize>(request.body.size()));
		httpRequest.setKeepAlive(true);
		// Stream errors would otherwise be swallowed into a badbit; let the cause through.
		std::ostream& out = _session->sendRequest(httpRequest);
		out.exceptions(std::ios::badbit);
		out << request.body << std::flush;

		Poco::Net::HTTPResponse httpResponse;
		std::istream& in = _session->receiveResponse(httpResponse);
		in.exceptions(std::ios::badbit);
		replied = true;
		WireReply reply;
		reply.status = static_cast<int>(httpResponse.getStatus());
		for (const auto& header : httpResponse) reply.headers.emplace_back(header.first, header.second);
		if (httpResponse.hasContentLength() && httpResponse.getContentLength64() > static_cast<Poco::Int64>(_settings.maxResponseBytes))
		{
			_session->reset();
			throw TransportError(ErrorKind::Protocol, "reply from " + where + " announces " + std::to_string(httpResponse.getContentLength64())
				+ " bytes, more than the limit of " + std::to_string(_settings.maxResponseBytes) + " bytes");
		}
		reply.body = readBody(in, deadline);
		if (httpResponse.hasContentLength() && static_cast<Poco::Int64>(reply.body.size()) < httpResponse.getContentLength64())
		{
			_session->reset();
			throw TransportError(ErrorKind::Protocol, "reply from " + where + " was cut short: got " + std::to_string(reply.body.size())
				+ " of " + std::to_string(httpResponse.getContentLength64()) + " bytes");
		}
		return reply;
	}
	catch (const TransportError&)
	{
		throw;
	}
	catch (const Poco::TimeoutException& e)
	{
		_session->reset();
		throw TransportError(ErrorKind::Timeout, _redactor.redact("timed out talking to " + where + ": " + e.displayText()));
	}
	catch (const Poco::Net::SSLException& e)
	{
		_session->reset();
		throw TransportError(ErrorKind::Tls, _redactor.redact("TLS failure with " + where + ": " + e.displayText()));
	}
	catch (const Poco::Net::MessageException& e)
	{
		_session->reset();
		const ErrorKind kind = replied || dynamic_cast<const Poco::Net::NoMessageException*>(&e) == nullptr ? ErrorKind::Protocol : ErrorKind::Network;
		throw TransportError(kind, _redactor.redact("bad reply from " + where + ": " + e.displayText()));
	}
	catch (const Poco::Exception& e)
	{
		_session->reset();
		throw TransportError(ErrorKind::Network, _redactor.redact("cannot talk to " + where + ": " + e.displayText()));
	}
	catch (const std::exception& e)
	{
		_session->reset();
		throw TransportError(ErrorKind::Network, _redactor.redact("cannot talk to " + where + ": " + e.what()));
	}
}

std::string Transport::readBody(std::istream& in, Deadline deadline)
{
	std::string body;
	char buffer[16 * 1024];
	while (in)
	{
		_session->socket().setReceiveTimeout(boundedBy(_settings.readTimeout, deadline));
		in.read(buffer, sizeof(buffer));
		const auto got = static_cast<std::size_t>(in.gcount());
		if (body.size() + got > _settings.maxResponseBytes)
		{
			_session->reset();
			throw TransportError(ErrorKind::Protocol, "reply larger than the limit of " + std::to_string(_settings.maxResponseBytes) + " bytes");
		}
		body.append(buffer, got);
		if (Clock::now() >= deadline && in)
		{
			_session->reset();
			throw TransportError(ErrorKind::Timeout, "the call's deadline passed while the reply was still arriving");
		}
	}
	return body;
}

} } // namespace Falcon::OAuth2
