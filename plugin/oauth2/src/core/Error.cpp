#include "falcon/oauth2/core/Error.h"

#include <typeinfo>

namespace Falcon {
namespace OAuth2 {

const char* toString(ErrorKind kind)
{
	switch (kind)
	{
	case ErrorKind::InvalidInput: return "invalid_input";
	case ErrorKind::AuthFailed: return "auth_failed";
	case ErrorKind::Forbidden: return "forbidden";
	case ErrorKind::RateLimited: return "rate_limited";
	case ErrorKind::RegionMismatch: return "region_mismatch";
	case ErrorKind::Network: return "network";
	case ErrorKind::Tls: return "tls";
	case ErrorKind::Timeout: return "timeout";
	case ErrorKind::Cancelled: return "cancelled";
	case ErrorKind::ServerError: return "server_error";
	case ErrorKind::BadResponse: return "bad_response";
	case ErrorKind::Protocol: return "protocol";
	}
	return "protocol";
}

Error Error::of(ErrorKind kind, std::string message)
{
	const bool transient = kind == ErrorKind::Network || kind == ErrorKind::Timeout || kind == ErrorKind::RateLimited
		|| kind == ErrorKind::ServerError;
	return Error{kind, std::move(message), transient, std::nullopt, {}};
}

POCO_IMPLEMENT_EXCEPTION(InvalidInputException, Poco::InvalidArgumentException, "Invalid input")

}
} // namespace Falcon::OAuth2
