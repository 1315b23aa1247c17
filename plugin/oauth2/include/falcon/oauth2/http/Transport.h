#pragma once

#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/http/HeaderList.h"
#include "falcon/oauth2/net/ProxySettings.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string>

namespace Falcon {
namespace OAuth2 {

class Redactor;

struct TransportSettings
{
	std::string caBundle;
	bool verifyTls = true;
	ProxySettings proxy; ///< used for every origin when enabled
	bool proxyFromEnvironment = true; ///< otherwise, HTTPS_PROXY/NO_PROXY per origin
	std::chrono::milliseconds connectTimeout{10000};
	std::chrono::milliseconds readTimeout{30000};
	std::size_t maxResponseBytes = 1024 * 1024;
};

/// A POST as it goes on the wire.
struct WireRequest
{
	HeaderList headers;
	std::string body;
	std::string contentType = "application/x-www-form-urlencoded";
};

/// A reply as it came off the wire.
struct WireReply
{
	int status = 0;
	HeaderList headers;
	std::string body;
};

/// A transport failure, classified. The message is already redacted.
class TransportError: public Poco::Exception
{
public:
	TransportError(ErrorKind kind, const std::string& message, bool beforeReply = false, bool permanent = false);
	ErrorKind kind() const { return _kind; }
	/// Retrying cannot help, whatever the kind says (a proxy refusing our credentials).
	bool permanent() const { return _permanent; }
	/// Nothing of a reply had arrived: on a reused connection, the server may just have closed it.
	bool beforeReply() const { return _beforeReply; }
	const char* name() const noexcept override { return "TransportError"; }
	const char* className() const noexcept override { return "Falcon::OAuth2::TransportError"; }
	Poco::Exception* clone() const override { return new TransportError(*this); }
	void rethrow() const override { throw *this; }

private:
	ErrorKind _kind;
	bool _beforeReply;
	bool _permanent;
};

/// One keep-alive HTTP(S) connection, reused across calls while the origin stays the same. Owns
/// its own TLS Context (never Poco's SSLManager), opens connections through Connector (proxy,
/// TLS, deadline), bounds each read by the read timeout and the whole exchange by the call's
/// deadline (SocketDeadline), and caps the reply size. Not
/// thread-safe: the client serialises calls.
class Transport
{
public:
	Transport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor);
	~Transport();

	/// POSTs to `target`; throws TransportError on any failure to get a complete reply. The
	/// exchange ends at `deadline`, or soon after `cancellation` (may be null) is requested.
	WireReply post(const Endpoint& target, const WireRequest& request, Deadline deadline,
		const Cancellation* cancellation = nullptr);

	/// TCP connections opened so far (a reused keep-alive connection is not counted again).
	unsigned connectionsOpened() const { return _connectionsOpened.load(); }

private:
	void connect(const Endpoint& target, Deadline deadline);
	void drop();
	std::chrono::milliseconds setReadBudget(Deadline deadline);
	struct Exchange;

	/// One request and its reply on the session's connection (opened first when there is none).
	WireReply exchange(
		const Endpoint& target, const WireRequest& request, Deadline deadline, const Cancellation* cancellation);
	void send(const Endpoint& target, const WireRequest& request);
	WireReply receive(Exchange& exchange, std::chrono::milliseconds readBudget);
	/// What went wrong in an exchange, as a TransportError of the right kind.
	TransportError classified(std::exception_ptr thrown, Exchange& exchange);
	std::string readBody(std::istream& in, std::chrono::milliseconds readBudget, bool& stalled);
	Poco::Net::Context::Ptr tlsContext();
	ProxySettings proxyFor(const Endpoint& target) const;

	TransportSettings _settings;
	Poco::Logger& _logger;
	Redactor& _redactor;
	Poco::Net::Context::Ptr _context;
	std::unique_ptr<Poco::Net::HTTPClientSession> _session;
	Endpoint _origin;
	std::atomic<unsigned> _connectionsOpened{0};
};

}
} // namespace Falcon::OAuth2
