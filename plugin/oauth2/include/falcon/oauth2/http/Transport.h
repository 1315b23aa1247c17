#pragma once

#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/http/HeaderList.h"
#include "falcon/oauth2/net/ProxySettings.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

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

/// How a session's requests reach the wire: one connection, one exchange at a time (the client
/// serialises calls). HttpTransport is the one that speaks to sockets; it lives with the rest of
/// the code that does (the wire, Wire.h), which the plugin module loads only once it sends.
class Transport
{
public:
	virtual ~Transport() = default;

	/// POSTs to `target`; throws TransportError on any failure to get a complete reply. The
	/// exchange ends at `deadline`, or soon after `cancellation` (may be null) is requested.
	virtual WireReply post(const Endpoint& target, const WireRequest& request, Deadline deadline,
		const Cancellation* cancellation = nullptr) = 0;

	/// TCP connections opened so far (a reused keep-alive connection is not counted again).
	virtual unsigned connectionsOpened() const = 0;
};

/// Makes a session's transport. Throws TransportError when it cannot.
using TransportFactory = std::unique_ptr<Transport> (*)(const TransportSettings&, Poco::Logger&, Redactor&);

}
} // namespace Falcon::OAuth2
