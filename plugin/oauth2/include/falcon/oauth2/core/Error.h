#pragma once

#include <Poco/Exception.h>

#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// What went wrong, in terms a workflow can branch on. The names are stable: they appear in
/// action outputs and in workflow expressions (`steps.x.error.kind`).
enum class ErrorKind
{
	InvalidInput, ///< the caller's input or configuration was refused before sending (or the API said 400)
	AuthFailed, ///< the API rejected the credentials (401, 403 "invalid client")
	Forbidden, ///< the credentials are valid but not allowed (IP allow-list, scope)
	RateLimited, ///< 429; retry_after_s says when to come back
	RegionMismatch, ///< the credentials belong to another cloud (or a gov cloud)
	Network, ///< connection refused, reset, DNS, proxy failure
	Tls, ///< certificate or handshake failure
	Timeout, ///< connect/read timeout or the call's deadline passed
	Cancelled, ///< the host asked the call to stop before its deadline
	ServerError, ///< 5xx
	BadResponse, ///< a 2xx whose body is not what the route promises (garbled JSON, a gateway's HTML page)
	Protocol ///< a reply that breaks HTTP or our limits (oversized, cut short, refused redirect)
};

const char* toString(ErrorKind kind);

/// The machine-readable error that accompanies every failed result.
struct Error
{
	ErrorKind kind = ErrorKind::Protocol;
	std::string message; ///< never contains a secret value
	bool retryable = false;
	std::optional<double> retryAfterSeconds;
	std::string traceId;

	/// An error of `kind`, retryable when the kind is transient (network, timeout, 429, 5xx).
	static Error of(ErrorKind kind, std::string message);

	/// The call's host asked it to stop before its deadline.
	static Error cancelled() { return of(ErrorKind::Cancelled, "the call was cancelled"); }
};

/// Thrown by configuration validation; the message starts with the offending field's name.
POCO_DECLARE_EXCEPTION(, InvalidInputException, Poco::InvalidArgumentException)

}
} // namespace Falcon::OAuth2
